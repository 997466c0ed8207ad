"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 01:33:30.282368
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables, in the order of their foreign keys (one function per group, same DDL as generated)."""
    _api_keys()
    _parks_and_key_scopes()
    _enterprises()
    _reports()
    _results()


def _api_keys() -> None:
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_prefix'), ['prefix'], unique=True)


def _parks_and_key_scopes() -> None:
    op.create_table('park',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('api_key_enterprise',
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['api_key.id'], ),
    sa.PrimaryKeyConstraint('key_id', 'enterprise_id')
    )
    op.create_table('api_key_park',
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('park_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['api_key.id'], ),
    sa.PrimaryKeyConstraint('key_id', 'park_id')
    )


def _enterprises() -> None:
    op.create_table('enterprise',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('industry', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('park_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['park_id'], ['park.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_park_id'), ['park_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_region'), ['region'], unique=False)


def _reports() -> None:
    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('submission_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['submitted_by'], ['api_key.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enterprise_id', 'period', 'revision', name='uq_report_revision'),
    sa.UniqueConstraint('submission_id')
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_is_latest'), ['is_latest'], unique=False)
        batch_op.create_index('ix_report_latest', ['enterprise_id', 'period', 'is_latest'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_period'), ['period'], unique=False)


def _results() -> None:
    op.create_table('result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('release', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('options_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('energy_equivalent_tce', sa.Float(), nullable=True),
    sa.Column('energy_equal_tce', sa.Float(), nullable=True),
    sa.Column('feedstock_equivalent_tce', sa.Float(), nullable=True),
    sa.Column('renewable_electricity_equivalent_tce', sa.Float(), nullable=True),
    sa.Column('co2_location_tco2', sa.Float(), nullable=True),
    sa.Column('co2_market_tco2', sa.Float(), nullable=True),
    sa.Column('water_withdrawal_m3', sa.Float(), nullable=True),
    sa.Column('fresh_water_m3', sa.Float(), nullable=True),
    sa.Column('value_added_10k_cny', sa.Float(), nullable=True),
    sa.Column('value_added_comparable_10k_cny', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'release', 'options_hash', name='uq_result_release')
    )
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_report_id'))

    op.drop_table('result')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_period'))
        batch_op.drop_index('ix_report_latest')
        batch_op.drop_index(batch_op.f('ix_report_is_latest'))

    op.drop_table('report')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_region'))
        batch_op.drop_index(batch_op.f('ix_enterprise_park_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_industry'))

    op.drop_table('enterprise')
    op.drop_table('api_key_park')
    op.drop_table('api_key_enterprise')
    op.drop_table('park')
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_prefix'))

    op.drop_table('api_key')
    # ### end Alembic commands ###
