"""concurrency: the audit chain's head in its own row, events re-sealed with a keyed hash

Revision ID: 0004_concurrency
Revises: 0002
Create Date: 2026-11-30

Before this revision each event took "last id + 1" and a plain SHA-256 chain: two clerks saving
at once on a shared server collided on the id, and anyone could recompute the chain after an
edit. Now the head (last id, digest, seal) is one row every writer locks, and every digest is an
HMAC with a key kept outside the database (services.audit). Existing events are re-sealed here in
id order, after checking their old chain; a break in it is carried over as an event of its own
so that the re-sealing cannot launder an earlier alteration.
"""
import datetime as dt
import hashlib
import json

from alembic import op
import sqlalchemy as sa


revision = '0004_concurrency'
down_revision = '0005_accounts'
branch_labels = None
depends_on = None


def _old_digest(prev, row) -> str:
    at = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(str(row.at))
    payload = json.dumps([prev, row.id, at.isoformat(), row.account, row.action, row.entity, row.entity_id,
                          row.label, row.before, row.after], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def upgrade() -> None:
    from cadre_desktop.core.services.audit import GENESIS, audit_key, event_digest, head_seal

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('seal', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    bind = op.get_bind()
    events = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('at', sa.DateTime),
                      sa.column('account'), sa.column('action'), sa.column('entity'),
                      sa.column('entity_id', sa.Integer), sa.column('label'), sa.column('before'),
                      sa.column('after'), sa.column('digest'))
    rows = bind.execute(sa.select(events).order_by(events.c.id)).all()
    key = audit_key(create=True)
    old_prev, new_prev, broken_at = GENESIS, GENESIS, None
    for i, row in enumerate(rows, start=1):
        if broken_at is None and (row.id != i or _old_digest(old_prev, row) != row.digest):
            broken_at = i
        old_prev = row.digest
        at = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(str(row.at))
        new = event_digest(key, new_prev, row.id, at, row.account, row.action, row.entity, row.entity_id,
                           row.label, row.before, row.after)
        bind.execute(events.update().where(events.c.id == row.id).values(digest=new))
        new_prev = new
    last_id = rows[-1].id if rows else 0
    if broken_at is not None:
        # Keep the finding: the re-sealed chain would otherwise hide it.
        last_id += 1
        at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        label = f"升级前核对：第 {broken_at} 条操作记录已被改动或缺失"
        new = event_digest(key, new_prev, last_id, at, "system", "核对", "database", None, label, None, None)
        bind.execute(events.insert().values(id=last_id, at=at, account="system", action="核对", entity="database",
                                            entity_id=None, label=label, before=None, after=None, digest=new))
        new_prev = new
    head = sa.table('audit_head', sa.column('id', sa.Integer), sa.column('last_id', sa.Integer),
                    sa.column('digest'), sa.column('seal'))
    bind.execute(head.insert().values(id=1, last_id=last_id, digest=new_prev,
                                      seal=head_seal(key, last_id, new_prev)))


def downgrade() -> None:
    op.drop_table('audit_head')
