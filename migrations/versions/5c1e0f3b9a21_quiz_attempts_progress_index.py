"""quiz_attempts: an index that covers the progress read

The unique constraint on (enrollment_id, week, number) already serves lookups by enrollment and
week, so the old two-column index is replaced rather than added to.

Revision ID: 5c1e0f3b9a21
Revises: a199abd733a7
Create Date: 2026-11-28 11:05:00

"""
from alembic import op


revision = '5c1e0f3b9a21'
down_revision = 'a199abd733a7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempts_enrollment_week')
        batch_op.create_index('ix_quiz_attempts_progress',
                              ['enrollment_id', 'week', 'status', 'percent', 'is_passed'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempts_progress')
        batch_op.create_index('ix_quiz_attempts_enrollment_week', ['enrollment_id', 'week'], unique=False)
