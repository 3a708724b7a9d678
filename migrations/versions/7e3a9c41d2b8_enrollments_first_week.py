"""enrollments.first_week: the week a trainee joined his cohort

Workshops held before it do not apply to him: nobody takes his attendance for them and they do
not count in his share (issue 17). Every existing enrollment starts in week 1, as before.

Revision ID: 7e3a9c41d2b8
Revises: 5c1e0f3b9a21
Create Date: 2026-12-02 03:50:00

"""
import sqlalchemy as sa
from alembic import op


revision = '7e3a9c41d2b8'
down_revision = '5c1e0f3b9a21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_week', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('first_week')
