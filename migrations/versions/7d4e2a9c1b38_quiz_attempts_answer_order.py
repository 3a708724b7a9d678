"""quiz_attempts: the answer order drawn for the attempt

Each attempt keeps the order in which its options (and a matching question's choices) were
shown, so that drafts, reloads and the review show the same order. NULL on older attempts,
which are shown in the order of the course files.

Revision ID: 7d4e2a9c1b38
Revises: b7d4e2a91c58
Create Date: 2026-12-02 03:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '7d4e2a9c1b38'
down_revision = 'b7d4e2a91c58'  # after the security round (merged from parallel work)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_order', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('answer_order')
