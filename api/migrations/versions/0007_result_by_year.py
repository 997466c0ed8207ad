"""result_by_year: ``result`` gets the year of its report's period; on PostgreSQL it is partitioned by it (issue 14)

PostgreSQL: ``result`` becomes a table partitioned by RANGE (year), with one partition per year of the stored reports
(``result_y2023`` ...) and a default partition (``result_default``) for a year written by anything that did not
create its partition first (:mod:`api.partitions` does, before the service writes a year). Every row is copied with
its id; the id sequence is kept. A partitioned table's keys must contain the partition key, so the primary key
becomes (id, year) and ``uq_result_release`` (report_id, year, release, options_hash): the year is the report's,
so the unique key still means one result per report, release and options.

SQLite: the column is added and filled from the report's period, and ``uq_result_release`` gets the year too, so
both databases come from the same models (:class:`api.models.Result`); the table stays plain.

Revision ID: 0007_result_by_year
Revises: 0006_toast_lz4
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0007_result_by_year"
down_revision = "0006_toast_lz4"
branch_labels = None
depends_on = None

YEAR_OF_PERIOD = "CAST(substr(r.period, 1, 4) AS integer)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _partition_postgresql()
        return
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
    op.execute(f"UPDATE result SET year = (SELECT {YEAR_OF_PERIOD} FROM report r WHERE r.id = result.report_id)")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.alter_column("year", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_result_release", type_="unique")
        batch_op.create_unique_constraint("uq_result_release", ["report_id", "year", "release", "options_hash"])


def _partition_postgresql() -> None:
    """A partitioned copy of ``result`` (the same columns, defaults, storage and compression, then ``year``), its
    partitions, the rows, then the old table swapped out and the keys and index built on the loaded partitions."""
    bind = op.get_bind()
    op.execute("LOCK TABLE result IN ACCESS EXCLUSIVE MODE")
    op.execute("CREATE TABLE result_by_year (LIKE result INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION, "
               "year integer NOT NULL) PARTITION BY RANGE (year)")
    op.execute("CREATE TABLE result_default PARTITION OF result_by_year DEFAULT")
    years = bind.execute(text(f"SELECT DISTINCT {YEAR_OF_PERIOD} FROM report r ORDER BY 1")).scalars().all()
    for year in years:
        op.execute(f"CREATE TABLE result_y{int(year)} PARTITION OF result_by_year "
                   f"FOR VALUES FROM ({int(year)}) TO ({int(year) + 1})")
    op.execute(f"INSERT INTO result_by_year SELECT o.*, {YEAR_OF_PERIOD} FROM result o JOIN report r ON r.id = o.report_id")
    sequence = bind.execute(text("SELECT pg_get_serial_sequence('result', 'id')")).scalar_one()
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    op.execute("DROP TABLE result")
    op.execute("ALTER TABLE result_by_year RENAME TO result")
    op.execute("ALTER TABLE result ADD CONSTRAINT result_pkey PRIMARY KEY (id, year)")
    op.execute("ALTER TABLE result ADD CONSTRAINT uq_result_release UNIQUE (report_id, year, release, options_hash)")
    op.execute("ALTER TABLE result ADD CONSTRAINT result_report_id_fkey FOREIGN KEY (report_id) REFERENCES report (id)")
    op.execute("CREATE INDEX ix_result_report_id ON result (report_id)")
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY result.id")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _unpartition_postgresql()
        return
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_constraint("uq_result_release", type_="unique")
        batch_op.create_unique_constraint("uq_result_release", ["report_id", "release", "options_hash"])
        batch_op.drop_column("year")


def _unpartition_postgresql() -> None:
    bind = op.get_bind()
    op.execute("LOCK TABLE result IN ACCESS EXCLUSIVE MODE")
    op.execute("CREATE TABLE result_plain (LIKE result INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)")
    op.execute("INSERT INTO result_plain SELECT * FROM result")
    op.execute("ALTER TABLE result_plain DROP COLUMN year")
    sequence = bind.execute(text("SELECT pg_get_serial_sequence('result', 'id')")).scalar_one()
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    op.execute("DROP TABLE result")  # and its partitions
    op.execute("ALTER TABLE result_plain RENAME TO result")
    op.execute("ALTER TABLE result ADD CONSTRAINT result_pkey PRIMARY KEY (id)")
    op.execute("ALTER TABLE result ADD CONSTRAINT uq_result_release UNIQUE (report_id, release, options_hash)")
    op.execute("ALTER TABLE result ADD CONSTRAINT result_report_id_fkey FOREIGN KEY (report_id) REFERENCES report (id)")
    op.execute("CREATE INDEX ix_result_report_id ON result (report_id)")
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY result.id")
