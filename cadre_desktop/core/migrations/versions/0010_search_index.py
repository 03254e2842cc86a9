"""Search and the department's order at county scale.

cadre.roster_key holds the department's order (core.models.roster_key) so the unfiltered roster is
one index walk. Substring search gets an index that serves it: on SQLite an FTS5 table with the
trigram tokenizer over (search_text, id_number), kept in sync by triggers (SQLite >= 3.34), and a
covering index (roster_key, id, search_text, id_number) that short queries scan in order; on
PostgreSQL pg_trgm GIN indexes on the same two columns.

Revision ID: 0010_search_index
Revises: 0002
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_search_index'
down_revision = '0004_concurrency'
branch_labels = None
depends_on = None

def upgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_key', sa.String(260).with_variant(
            sa.String(260, collation="C"), "postgresql"), nullable=True))
    bind = op.get_bind()
    from cadre_desktop.core import search_index
    from cadre_desktop.core.models.roster_key import refresh_all

    refresh_all(bind)
    if bind.dialect.name == "postgresql":
        op.create_index('ix_cadre_roster_key', 'cadre', ['roster_key', 'id'])
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_cadre_search_trgm ON cadre USING gin (search_text gin_trgm_ops)")
        op.execute("CREATE INDEX ix_cadre_id_number_trgm ON cadre USING gin (id_number gin_trgm_ops)")
        return
    # The roster in order, filtered by a substring of these columns, is read from this index alone.
    op.create_index('ix_cadre_roster_key', 'cadre', ['roster_key', 'id', 'search_text', 'id_number'])
    if bind.dialect.name == "sqlite" and search_index.sqlite_has_trigram():
        search_index.create_sqlite(bind)


def downgrade() -> None:
    from cadre_desktop.core import search_index

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cadre_id_number_trgm")
        op.execute("DROP INDEX IF EXISTS ix_cadre_search_trgm")
    elif bind.dialect.name == "sqlite":
        for name in search_index.FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS cadre_fts")
    op.drop_index('ix_cadre_roster_key', table_name='cadre')
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_column('roster_key')
