"""accreditation and safeguarding: the code of conduct, recommendations, concerns, suspension

Issue 20. A certificate may now be suspended while a concern is reviewed, and revoked for conduct;
it keeps the signatories it was printed with.

Revision ID: e7a3c91d4f20
Revises: 7d4e2a9c1b38
Create Date: 2026-12-02 03:50:00

"""
import sqlalchemy as sa
from alembic import op

import lms.models._types

revision = 'e7a3c91d4f20'
down_revision = '7d4e2a9c1b38'  # after the quiz answer order (merged from parallel work)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conduct_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('accepted_dt', lms.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content_version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_conduct_acceptances_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conduct_acceptances')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_conduct_acceptances_enrollment_id'))
    )
    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_dt', lms.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('recommend', 'not_yet')", name=op.f('ck_recommendations_decision')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_recommendations_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_recommendations_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_recommendations_enrollment_id'))
    )
    op.create_table('concerns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('account', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', lms.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_dt', lms.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("category IN ('disclosure', 'third_party', 'group_threats', 'other', 'public')", name=op.f('ck_concerns_category')),
    sa.CheckConstraint("decision IS NULL OR decision IN ('accredit', 'defer', 'not_accredit')", name=op.f('ck_concerns_decision')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_concerns_certificate_id_certificates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_concerns_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_concerns_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_concerns_subject_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concerns')),
    sa.UniqueConstraint('reference', name=op.f('uq_concerns_reference'))
    )
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concerns_is_open'), ['is_open'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_subject_id'), ['subject_id'], unique=False)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatories', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('suspended_dt', lms.models._types.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_certificates_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_certificates_revoked_reason'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_certificates_status'),
                                         "status IN ('valid', 'suspended', 'revoked')")
        batch_op.create_check_constraint(batch_op.f('ck_certificates_revoked_reason'),
                                         "revoked_reason IS NULL OR revoked_reason IN "
                                         "('error_emision', 'fraude', 'reemitido', 'conducta', 'otro')")


def downgrade():
    # A suspended certificate becomes valid again and a revocation for conduct reads "other":
    # the older schema has no words for them.
    op.execute("UPDATE certificates SET status = 'valid' WHERE status = 'suspended'")
    op.execute("UPDATE certificates SET revoked_reason = 'otro' WHERE revoked_reason = 'conducta'")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_certificates_revoked_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_certificates_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_certificates_status'), "status IN ('valid', 'revoked')")
        batch_op.create_check_constraint(batch_op.f('ck_certificates_revoked_reason'),
                                         "revoked_reason IS NULL OR revoked_reason IN "
                                         "('error_emision', 'fraude', 'reemitido', 'otro')")
        batch_op.drop_column('suspended_dt')
        batch_op.drop_column('signatories')

    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concerns_subject_id'))
        batch_op.drop_index(batch_op.f('ix_concerns_is_open'))
    op.drop_table('concerns')
    op.drop_table('recommendations')
    op.drop_table('conduct_acceptances')
