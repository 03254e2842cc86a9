""".lrmx round trip: what an imported 任免审批表 carried that the product does not edit

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
    # A plain ADD COLUMN (no table rebuild): nullable, so every engine adds it in place.
    op.add_column('cadre', sa.Column('lrmx', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_column('lrmx')
