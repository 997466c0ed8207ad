"""market_submission: monthly key parameters of the carbon-market sectors (issue 16)

Creates ``market_submission``: one row per revision of an enterprise's monthly key parameters for a year
(cement, steel, aluminium), with the rows as submitted and the account (JSON); (enterprise, year, revision)
and submission ids unique per enterprise, the latest revision flagged.

Revision ID: 0005_market
Revises: 0004_submission
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_market"
down_revision = "0004_submission"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("submission_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.ForeignKeyConstraint(["submitted_by"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "year", "revision", name="uq_market_revision"),
        sa.UniqueConstraint("enterprise_id", "submission_id", name="uq_market_submission_id"),
    )
    with op.batch_alter_table("market_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_market_submission_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_market_submission_year"), ["year"], unique=False)
        batch_op.create_index(batch_op.f("ix_market_submission_is_latest"), ["is_latest"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("market_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_submission_is_latest"))
        batch_op.drop_index(batch_op.f("ix_market_submission_year"))
        batch_op.drop_index(batch_op.f("ix_market_submission_enterprise_id"))
    op.drop_table("market_submission")
