"""designation: green designations (绿色制造名单) of enterprises and parks

Creates ``designation``: one row per (subject kind, subject, kind, level), unique, with the year designated,
the batch or document, the year revoked (if any) and who recorded it. The counts of the count targets
(green factories, green parks) come from it.

Revision ID: 0003_designations
Revises: 0002_progress
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_designations"
down_revision = "0002_progress"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "designation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("batch", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("revoked_year", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subject_kind", "subject_id", "kind", "level", name="uq_designation"),
    )
    with op.batch_alter_table("designation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_designation_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_designation_kind"), ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("designation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_designation_kind"))
        batch_op.drop_index(batch_op.f("ix_designation_subject_id"))
    op.drop_table("designation")
