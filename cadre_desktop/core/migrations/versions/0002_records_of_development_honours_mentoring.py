"""training postings appointments honours care mentoring tolerance

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('commendation_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=True),
    sa.Column('doc_number', sa.String(length=100), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('addressee', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commendation_batch')),
    sa.UniqueConstraint('title', 'doc_number', name=op.f('uq_commendation_batch_title'))
    )
    with op.batch_alter_table('commendation_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commendation_batch_date'), ['date'], unique=False)

    op.create_table('training_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organizer', sa.String(length=100), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.Column('plan', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_class')),
    sa.UniqueConstraint('name', name=op.f('uq_training_class_name'))
    )
    with op.batch_alter_table('training_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_class_start'), ['start'], unique=False)

    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('visitor', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_name'), ['name'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('old_post', sa.String(length=200), nullable=True),
    sa.Column('new_post', sa.String(length=200), nullable=True),
    sa.Column('new_unit_id', sa.Integer(), nullable=True),
    sa.Column('new_rank', sa.String(length=30), nullable=True),
    sa.Column('new_team_role', sa.String(length=100), nullable=True),
    sa.Column('frontline', sa.Boolean(), nullable=False),
    sa.Column('frontline_field', sa.String(length=10), nullable=True),
    sa.Column('batch', sa.String(length=100), nullable=True),
    sa.Column('doc_number', sa.String(length=100), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_appointment_cadre_id_cadre'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['new_unit_id'], ['unit.id'], name=op.f('fk_appointment_new_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_new_unit_id'), ['new_unit_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_attendance_cadre_id_cadre'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['class_id'], ['training_class.id'], name=op.f('fk_attendance_class_id_training_class'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('class_id', 'cadre_id', name=op.f('uq_attendance_class_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_class_id'), ['class_id'], unique=False)

    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=4), nullable=False),
    sa.Column('target_name', sa.String(length=200), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('cadre_id', sa.Integer(), nullable=True),
    sa.Column('unit_post', sa.String(length=200), nullable=True),
    sa.Column('honour', sa.String(length=50), nullable=False),
    sa.Column('deeds', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['commendation_batch.id'], name=op.f('fk_award_batch_id_commendation_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_award_cadre_id_cadre'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('care_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_care_record_cadre_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_record'))
    )
    with op.batch_alter_table('care_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_record_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_record_date'), ['date'], unique=False)

    op.create_table('mentor_pair',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mentee_id'], ['cadre.id'], name=op.f('fk_mentor_pair_mentee_id_cadre'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['cadre.id'], name=op.f('fk_mentor_pair_mentor_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_pair'))
    )
    with op.batch_alter_table('mentor_pair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_pair_mentee_id'), ['mentee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_pair_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('destination', sa.String(length=10), nullable=True),
    sa.Column('field', sa.String(length=10), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('evaluation', sa.String(length=10), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_posting_cadre_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting'))
    )
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_start'), ['start'], unique=False)

    op.create_table('tolerance_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('matter', sa.String(length=500), nullable=False),
    sa.Column('occurred', sa.Date(), nullable=False),
    sa.Column('circumstance', sa.String(length=50), nullable=True),
    sa.Column('colour', sa.String(length=2), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=True),
    sa.Column('decided', sa.Date(), nullable=True),
    sa.Column('deciding_body', sa.String(length=100), nullable=True),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('correction_status', sa.String(length=10), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_tolerance_case_cadre_id_cadre'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tolerance_case'))
    )
    with op.batch_alter_table('tolerance_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tolerance_case_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tolerance_case_decided'), ['decided'], unique=False)

    op.create_table('mentoring_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=50), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['mentor_pair.id'], name=op.f('fk_mentoring_record_pair_id_mentor_pair'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_record'))
    )
    with op.batch_alter_table('mentoring_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentoring_record_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_record_pair_id'), ['pair_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('mentoring_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentoring_record_pair_id'))
        batch_op.drop_index(batch_op.f('ix_mentoring_record_date'))

    op.drop_table('mentoring_record')
    with op.batch_alter_table('tolerance_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tolerance_case_decided'))
        batch_op.drop_index(batch_op.f('ix_tolerance_case_cadre_id'))

    op.drop_table('tolerance_case')
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_start'))
        batch_op.drop_index(batch_op.f('ix_posting_cadre_id'))

    op.drop_table('posting')
    with op.batch_alter_table('mentor_pair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_pair_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_pair_mentee_id'))

    op.drop_table('mentor_pair')
    with op.batch_alter_table('care_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_record_date'))
        batch_op.drop_index(batch_op.f('ix_care_record_cadre_id'))

    op.drop_table('care_record')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_cadre_id'))
        batch_op.drop_index(batch_op.f('ix_award_batch_id'))

    op.drop_table('award')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_class_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_cadre_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_new_unit_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_date'))
        batch_op.drop_index(batch_op.f('ix_appointment_cadre_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_batch'))

    op.drop_table('appointment')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_name'))
        batch_op.drop_index(batch_op.f('ix_visit_date'))

    op.drop_table('visit')
    with op.batch_alter_table('training_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_class_start'))

    op.drop_table('training_class')
    with op.batch_alter_table('commendation_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commendation_batch_date'))

    op.drop_table('commendation_batch')
    
