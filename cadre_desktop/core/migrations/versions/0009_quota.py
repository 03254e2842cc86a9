"""名额分配 kept per commendation batch: quota_allocation (places, frontline weight, date) and
quota_line (per unit: head count, frontline count, exact share, places as adjusted).

Revision ID: 0009_quota
Revises: 0006_allowance (written against 0002; chained on this branch's head so it runs)
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_quota'
down_revision = '0006_allowance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quota_allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('frontline_weight', sa.Integer(), nullable=False),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['commendation_batch.id'],
                            name=op.f('fk_quota_allocation_batch_id_commendation_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_allocation')),
    sa.UniqueConstraint('batch_id', name=op.f('uq_quota_allocation_batch_id'))
    )
    op.create_table('quota_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('allocation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=100), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('frontline', sa.Integer(), nullable=False),
    sa.Column('share', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['allocation_id'], ['quota_allocation.id'],
                            name=op.f('fk_quota_line_allocation_id_quota_allocation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_line'))
    )
    with op.batch_alter_table('quota_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_line_allocation_id'), ['allocation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quota_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_line_allocation_id'))
    op.drop_table('quota_line')
    op.drop_table('quota_allocation')
