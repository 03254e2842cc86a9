"""township allowance rates and confirmed payrolls

Revision ID: 0006_allowance
Revises: 0002
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_allowance'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('allowance_payroll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('confirmed_by', sa.String(length=50), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_payroll')),
    sa.UniqueConstraint('month', name=op.f('uq_allowance_payroll_month'))
    )
    op.create_table('allowance_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('tier', sa.String(length=4), nullable=False),
    sa.Column('base', sa.Integer(), nullable=False),
    sa.Column('staffing_float', sa.Integer(), nullable=True),
    sa.Column('per_year', sa.Integer(), nullable=True),
    sa.Column('year_cap', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_rate')),
    sa.UniqueConstraint('effective', 'tier', name=op.f('uq_allowance_rate_effective'))
    )
    with op.batch_alter_table('allowance_rate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_rate_effective'), ['effective'], unique=False)

    op.create_table('allowance_payroll_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payroll_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('unit_order', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=4), nullable=False),
    sa.Column('staffing', sa.String(length=10), nullable=True),
    sa.Column('township_start', sa.Integer(), nullable=True),
    sa.Column('years', sa.Integer(), nullable=False),
    sa.Column('counted_years', sa.Integer(), nullable=False),
    sa.Column('rate_tier', sa.String(length=4), nullable=False),
    sa.Column('rate_effective', sa.Date(), nullable=False),
    sa.Column('base', sa.Integer(), nullable=False),
    sa.Column('staffing_float', sa.Integer(), nullable=False),
    sa.Column('per_year', sa.Integer(), nullable=False),
    sa.Column('years_amount', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_allowance_payroll_line_cadre_id_cadre'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payroll_id'], ['allowance_payroll.id'], name=op.f('fk_allowance_payroll_line_payroll_id_allowance_payroll'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_payroll_line'))
    )
    with op.batch_alter_table('allowance_payroll_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_payroll_line_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_payroll_line_payroll_id'), ['payroll_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('allowance_payroll_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_payroll_line_payroll_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_payroll_line_cadre_id'))

    op.drop_table('allowance_payroll_line')
    with op.batch_alter_table('allowance_rate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_rate_effective'))

    op.drop_table('allowance_rate')
    op.drop_table('allowance_payroll')
