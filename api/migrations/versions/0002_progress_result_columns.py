"""result: numeric columns for the CO2 decomposition (electricity, CO2 by source)

Adds ``electricity_kwh``, ``co2_combustion_tco2``, ``co2_electricity_location_tco2`` and ``co2_heat_tco2``
to ``result`` and fills them for the rows already stored from their JSON ``summary``.

Revision ID: 0002_progress
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_progress"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ("electricity_kwh", "co2_combustion_tco2", "co2_electricity_location_tco2", "co2_heat_tco2")
BATCH = 2000


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def upgrade() -> None:
    with op.batch_alter_table("result", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
    result = sa.table("result", sa.column("id", sa.Integer), sa.column("summary", sa.JSON),
                      *(sa.column(name, sa.Float) for name in COLUMNS))
    conn = op.get_bind()
    update = (result.update().where(result.c.id == sa.bindparam("_id"))
              .values({name: sa.bindparam(f"_{name}") for name in COLUMNS}))
    last = 0
    while True:
        rows = conn.execute(sa.select(result.c.id, result.c.summary).where(result.c.id > last)
                            .order_by(result.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(update, [{"_id": rid, **{f"_{n}": _number((summary or {}).get(n)) for n in COLUMNS}}
                              for rid, summary in rows])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("result", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
