"""任现职务时间 and 任现职级时间 on the cadre; code-list values (民族, 政治面貌, 职级, 学位, 健康状况) folded
to their listed form where they fold (汉 → 汉族, 党员 → 中共党员). Values that do not fold are left as
they are and listed by `cadre check` (core.services.codes) for a clerk to correct.

Revision ID: 0007_roster_fields
Revises: 0003_lrmx
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_roster_fields'
down_revision = '0003_lrmx'
branch_labels = None
depends_on = None

CODE_COLUMNS = ("ethnicity", "political_status", "health", "rank", "ft_degree", "ip_degree")


def upgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post_since', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rank_since', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cadre_rank_since'), ['rank_since'], unique=False)
    from cadre_desktop.core.values import fold_code

    bind = op.get_bind()
    cadre = sa.table('cadre', sa.column('id', sa.Integer), *(sa.column(c, sa.String) for c in CODE_COLUMNS))
    for column in CODE_COLUMNS:
        col = cadre.c[column]
        values = [v for (v,) in bind.execute(sa.select(col).where(col.is_not(None)).distinct())]
        for value in values:
            folded = fold_code(column, value)
            if folded is not None and folded != value:
                bind.execute(sa.update(cadre).where(col == value).values({column: folded}))


def downgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadre_rank_since'))
        batch_op.drop_column('rank_since')
        batch_op.drop_column('post_since')
