"""An ID-number fragment at county scale (SQLite).

A query of digits can be in a cadre's search text only when that text holds a digit, which a
name almost never does: a partial index of the cadres whose search text holds one (normally
none) answers "does any?" at once, and when none does, the scan tests the ID number alone.

Revision ID: 0011_search_digits
Revises: 0010_search_index
Create Date: 2026-12-01
"""
from alembic import op


revision = '0011_search_digits'
down_revision = '0010_search_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        from cadre_desktop.core import search_index

        op.execute(search_index.DIGITS_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_cadre_search_digits")
