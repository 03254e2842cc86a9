"""units cadres accounts audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=4), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('name', name=op.f('uq_account_name'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('account', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_entity'), ['entity'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('name', name=op.f('uq_unit_name'))
    )
    op.create_table('cadre',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('sex', sa.String(length=2), nullable=False),
    sa.Column('birth', sa.Integer(), nullable=False),
    sa.Column('ethnicity', sa.String(length=20), nullable=True),
    sa.Column('native_place', sa.String(length=50), nullable=True),
    sa.Column('birthplace', sa.String(length=50), nullable=True),
    sa.Column('political_status', sa.String(length=30), nullable=True),
    sa.Column('party_joined', sa.Integer(), nullable=True),
    sa.Column('work_started', sa.Integer(), nullable=True),
    sa.Column('health', sa.String(length=30), nullable=True),
    sa.Column('title', sa.String(length=50), nullable=True),
    sa.Column('specialty', sa.String(length=200), nullable=True),
    sa.Column('ft_education', sa.String(length=10), nullable=True),
    sa.Column('ft_education_text', sa.String(length=30), nullable=True),
    sa.Column('ft_degree', sa.String(length=30), nullable=True),
    sa.Column('ft_school', sa.String(length=200), nullable=True),
    sa.Column('ft_degree_school', sa.String(length=200), nullable=True),
    sa.Column('ip_education', sa.String(length=10), nullable=True),
    sa.Column('ip_education_text', sa.String(length=30), nullable=True),
    sa.Column('ip_degree', sa.String(length=30), nullable=True),
    sa.Column('ip_school', sa.String(length=200), nullable=True),
    sa.Column('ip_degree_school', sa.String(length=200), nullable=True),
    sa.Column('education_rank', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('post', sa.String(length=200), nullable=True),
    sa.Column('rank', sa.String(length=30), nullable=True),
    sa.Column('level', sa.String(length=10), nullable=True),
    sa.Column('staffing', sa.String(length=10), nullable=True),
    sa.Column('team_role', sa.String(length=100), nullable=True),
    sa.Column('five_category', sa.String(length=20), nullable=True),
    sa.Column('reserve', sa.Boolean(), nullable=False),
    sa.Column('township_start', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('proposed_post', sa.String(length=200), nullable=True),
    sa.Column('proposed_removal', sa.String(length=200), nullable=True),
    sa.Column('appointment_reason', sa.Text(), nullable=True),
    sa.Column('reporting_unit', sa.String(length=100), nullable=True),
    sa.Column('form_filler', sa.String(length=50), nullable=True),
    sa.Column('age_date', sa.Date(), nullable=True),
    sa.Column('search_text', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_cadre_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadre')),
    sa.UniqueConstraint('id_number', name=op.f('uq_cadre_id_number'))
    )
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadre_birth'), ['birth'], unique=False)
        batch_op.create_index(batch_op.f('ix_cadre_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_cadre_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_cadre_unit_id'), ['unit_id'], unique=False)

    op.create_table('appraisal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_appraisal_cadre_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal'))
    )
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('family_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('birth', sa.Integer(), nullable=True),
    sa.Column('political_status', sa.String(length=30), nullable=True),
    sa.Column('work', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_family_member_cadre_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_member'))
    )
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_member_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('resume',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_resume_cadre_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resume'))
    )
    with op.batch_alter_table('resume', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resume_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('reward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('approver', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_reward_cadre_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward'))
    )
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_cadre_id'), ['cadre_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_cadre_id'))

    op.drop_table('reward')
    with op.batch_alter_table('resume', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resume_cadre_id'))

    op.drop_table('resume')
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_member_cadre_id'))

    op.drop_table('family_member')
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_cadre_id'))

    op.drop_table('appraisal')
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadre_unit_id'))
        batch_op.drop_index(batch_op.f('ix_cadre_name'))
        batch_op.drop_index(batch_op.f('ix_cadre_level'))
        batch_op.drop_index(batch_op.f('ix_cadre_birth'))

    op.drop_table('cadre')
    op.drop_table('unit')
    op.drop_table('setting')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_entity'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_account'))

    op.drop_table('audit_event')
    op.drop_table('account')
    
