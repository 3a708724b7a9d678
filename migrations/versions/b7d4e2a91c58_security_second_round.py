"""security, second round (issue 18): logins kept on the server, login failures counted in the
database, reset links ended by a password change, reflections rendered once when saved

Revision ID: b7d4e2a91c58
Revises: 7e3a9c41d2b8
Create Date: 2026-12-02 03:40:00

"""
import sqlalchemy as sa
from alembic import op

from lms.models._types import UTCDateTime

revision = 'b7d4e2a91c58'
down_revision = '7e3a9c41d2b8'  # after the first-week column (merged from parallel work)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_dt', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash')),
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('created_dt', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_created_dt'), ['created_dt'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_dt', UTCDateTime(), nullable=True))
    with op.batch_alter_table('reflection_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('feedback_html', sa.Text(), nullable=True))
    _render_saved_reflections()


def _render_saved_reflections():
    """Render every kept version once, with the renderer the app now uses when a text is saved."""
    from lms.content.markdown import render_user_markdown
    connection = op.get_bind()
    versions = sa.table('reflection_versions', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                        sa.column('feedback', sa.Text), sa.column('text_html', sa.Text),
                        sa.column('feedback_html', sa.Text))
    rows = connection.execute(sa.select(versions.c.id, versions.c.text, versions.c.feedback)).all()
    for id_, text, feedback in rows:
        connection.execute(versions.update().where(versions.c.id == id_).values(
            text_html=str(render_user_markdown(text or "")),
            feedback_html=None if feedback is None else str(render_user_markdown(feedback))))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Dropping a column copies the table; every table points at users, so SQLite's checks wait.
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table('reflection_versions', schema=None) as batch_op:
        batch_op.drop_column('feedback_html')
        batch_op.drop_column('text_html')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_changed_dt')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_created_dt'))
        batch_op.drop_index(batch_op.f('ix_login_failures_key'))
    op.drop_table('login_failures')
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))
    op.drop_table('login_sessions')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=ON")
