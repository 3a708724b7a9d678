"""workshops with a time and a place; private calendar feeds

A cohort gets its usual workshop (weekday, time, length, place and the reference people use); a
week may have a workshop of its own (workshops); each person may have a secret calendar address
(calendar_feeds).

Revision ID: e3a7c2d41b90
Revises: 2892b2543a75
Create Date: 2026-12-02 03:45:00

"""
from alembic import op
import sqlalchemy as sa

import lms.models._types  # custom column types used below


revision = 'e3a7c2d41b90'
down_revision = '2892b2543a75'  # after the Network (merged from parallel work)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workshop_weekday', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('workshop_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('workshop_minutes', sa.Integer(), server_default='150', nullable=False))
        batch_op.add_column(sa.Column('workshop_place', sa.String(length=160), server_default='', nullable=False))
        batch_op.add_column(sa.Column('workshop_place_note', sa.String(length=160), server_default='',
                                      nullable=False))
    op.create_table('workshops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('starts_at', sa.Time(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=160), nullable=True),
    sa.Column('place_note', sa.String(length=160), nullable=True),
    sa.Column('changed_dt', lms.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_workshops_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshops')),
    sa.UniqueConstraint('cohort_id', 'week', name=op.f('uq_workshops_cohort_id'))
    )
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_dt', lms.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_feeds_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )


def downgrade():
    op.drop_table('calendar_feeds')
    op.drop_table('workshops')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('workshop_place_note')
        batch_op.drop_column('workshop_place')
        batch_op.drop_column('workshop_minutes')
        batch_op.drop_column('workshop_time')
        batch_op.drop_column('workshop_weekday')
