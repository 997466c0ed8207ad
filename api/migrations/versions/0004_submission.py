"""submission: submission ids scoped to the enterprise, recorded on "unchanged" answers too

Creates ``submission`` (enterprise, submission id) unique, pointing at the report revision the submission
created or found unchanged, and copies the ids stored so far in ``report.submission_id``. That column is no
longer written (its database-wide uniqueness let one tenant's id collide with another's).

Revision ID: 0004_submission
Revises: 0003_designations
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_submission"
down_revision = "0003_designations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("submission_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Boolean(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["key_id"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "submission_id", name="uq_submission"),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_submission_id"), ["submission_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submission_report_id"), ["report_id"], unique=False)
    op.execute("INSERT INTO submission (enterprise_id, submission_id, report_id, created, key_id, submitted_at) "
               "SELECT enterprise_id, submission_id, id, true, submitted_by, submitted_at FROM report "
               "WHERE submission_id IS NOT NULL")
    op.execute("UPDATE report SET submission_id = NULL")


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_report_id"))
        batch_op.drop_index(batch_op.f("ix_submission_submission_id"))
    op.drop_table("submission")
