"""The annual report at county scale: indexes its figures are read from alone.

At 100,000 cadres the report counted the period's mentoring records of each kind and its health
checks by the date index, reading every record of the period from the table to test its kind
(about 0.4 s a kind), and the training figures read each attendance's row for its hours. Each now
reads one index: (kind, date) for mentoring records and care records; (pair_id, kind, date) for a
pair's records of a kind in a period (overdue pairs), in place of the pair_id index it begins with;
(class_id, cadre_id, hours) for a class's attendances, in place of the class_id index. The
township-team rules read every cadre of every township (70,000 of 100,000) to find its team: they
read (unit_id, team_role) now, in place of the unit_id index.

Revision ID: 0012_report_indexes
Revises: 0011_search_digits
Create Date: 2026-12-01
"""
from alembic import op


revision = '0012_report_indexes'
down_revision = '0011_search_digits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_mentoring_record_kind_date', 'mentoring_record', ['kind', 'date'])
    op.create_index('ix_mentoring_record_pair_kind_date', 'mentoring_record', ['pair_id', 'kind', 'date'])
    op.drop_index('ix_mentoring_record_pair_id', table_name='mentoring_record')
    op.create_index('ix_care_record_kind_date', 'care_record', ['kind', 'date'])
    op.create_index('ix_attendance_class_cadre_hours', 'attendance', ['class_id', 'cadre_id', 'hours'])
    op.drop_index('ix_attendance_class_id', table_name='attendance')
    op.create_index('ix_cadre_unit_team_role', 'cadre', ['unit_id', 'team_role'])
    op.drop_index('ix_cadre_unit_id', table_name='cadre')


def downgrade() -> None:
    op.create_index('ix_cadre_unit_id', 'cadre', ['unit_id'])
    op.drop_index('ix_cadre_unit_team_role', table_name='cadre')
    op.create_index('ix_attendance_class_id', 'attendance', ['class_id'])
    op.drop_index('ix_attendance_class_cadre_hours', table_name='attendance')
    op.drop_index('ix_care_record_kind_date', table_name='care_record')
    op.create_index('ix_mentoring_record_pair_id', 'mentoring_record', ['pair_id'])
    op.drop_index('ix_mentoring_record_pair_kind_date', table_name='mentoring_record')
    op.drop_index('ix_mentoring_record_kind_date', table_name='mentoring_record')
