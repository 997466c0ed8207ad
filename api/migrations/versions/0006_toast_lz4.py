"""toast_lz4: the large JSON values of report and result compressed with LZ4 on PostgreSQL (issue 14)

A result's summary is about 3 kB of JSON, above PostgreSQL's TOAST threshold (2 kB), so every row stored is
compressed; with the default method (pglz) that was about 40 % of the server's time for ``COPY result`` in a
bulk ingest (benchmarks/README.md, bench_copy_ingest). LZ4 (PostgreSQL 14+, when the server is built with it)
compresses about as well at a fraction of the cost. Only new values are written with it; stored values keep
their method and read the same. Nothing changes on SQLite, or on a server without LZ4.

Revision ID: 0006_toast_lz4
Revises: 0005_market
"""
from alembic import op
from sqlalchemy import text

revision = "0006_toast_lz4"
down_revision = "0005_market"
branch_labels = None
depends_on = None

COLUMNS = (("result", "summary"), ("report", "document"))


def _has_lz4() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return bool(bind.execute(text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                  "WHERE name = 'default_toast_compression'")).scalar())


def upgrade() -> None:
    if _has_lz4():
        for table, column in COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade() -> None:
    if _has_lz4():
        for table, column in COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION default")
