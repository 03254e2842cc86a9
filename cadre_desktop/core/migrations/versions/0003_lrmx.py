""".lrmx: what an imported 任免审批表 carried that the product does not edit; a record without an ID number

Revision ID: 0003_lrmx
Revises: 0002
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_lrmx'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lrmx', sa.Text(), nullable=True))
        # A form without a valid ID number is taken in only when the clerk confirms a new record.
        batch_op.alter_column('id_number', existing_type=sa.String(length=18), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.alter_column('id_number', existing_type=sa.String(length=18), nullable=False)
        batch_op.drop_column('lrmx')
