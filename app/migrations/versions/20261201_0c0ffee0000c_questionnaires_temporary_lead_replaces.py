"""questionnaires: campaigns, assignments, consents, evidence, signals

TEMPORARY (helper hC, to run the portal): the lead replaces it with the real revision.

Revision ID: 0c0ffee0000c
Revises: b4d8f2e3c5a7
Create Date: 2026-12-01 10:38:33.948837
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0c0ffee0000c'
down_revision: str | None = 'b4d8f2e3c5a7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('questionnaire_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_key', sa.String(length=40), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('message', sa.String(length=2000), nullable=True),
    sa.Column('assignment_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questionnaire_campaigns_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_questionnaire_campaigns_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_campaigns'))
    )
    with op.batch_alter_table('questionnaire_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_campaigns_org_id'), ['org_id'], unique=False)

    op.create_table('questionnaire_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('supplier_org_id', sa.Integer(), nullable=True),
    sa.Column('template_key', sa.String(length=40), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('link_nonce', sa.String(length=64), nullable=False),
    sa.Column('link_hash', sa.String(length=64), nullable=False),
    sa.Column('link_expires_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('submitted_answers', sa.JSON(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('opened_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('attestation_name', sa.String(length=200), nullable=True),
    sa.Column('attestation_title', sa.String(length=200), nullable=True),
    sa.Column('returned_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reused_from_id', sa.Integer(), nullable=True),
    sa.Column('last_reminded_on', sa.Date(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('sent', 'opened', 'in_progress', 'submitted', 'returned', 'accepted')", name=op.f('ck_questionnaire_assignments_status')),
    sa.ForeignKeyConstraint(['campaign_id'], ['questionnaire_campaigns.id'], name=op.f('fk_questionnaire_assignments_campaign_id_questionnaire_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id', 'supplier_id'], ['suppliers.org_id', 'suppliers.id'], name='fk_questionnaire_assignments_org_supplier', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_questionnaire_assignments_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reused_from_id'], ['questionnaire_assignments.id'], name=op.f('fk_questionnaire_assignments_reused_from_id_questionnaire_assignments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_questionnaire_assignments_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_questionnaire_assignments_submitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_org_id'], ['organizations.id'], name=op.f('fk_questionnaire_assignments_supplier_org_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_assignments')),
    sa.UniqueConstraint('link_hash', name=op.f('uq_questionnaire_assignments_link_hash'))
    )
    with op.batch_alter_table('questionnaire_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_qassign_addressee', ['supplier_org_id', 'template_key', 'status'], unique=False)
        batch_op.create_index('ix_qassign_org_due', ['org_id', 'due_date'], unique=False)
        batch_op.create_index('ix_qassign_org_status', ['org_id', 'status'], unique=False)
        batch_op.create_index('ix_qassign_org_supplier', ['org_id', 'supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_assignments_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_assignments_org_id'), ['org_id'], unique=False)

    op.create_table('questionnaire_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('source_assignment_id', sa.Integer(), nullable=True),
    sa.Column('supplier_org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('answers_copied', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['questionnaire_assignments.id'], name=op.f('fk_questionnaire_consents_assignment_id_questionnaire_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_questionnaire_consents_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_assignment_id'], ['questionnaire_assignments.id'], name=op.f('fk_questionnaire_consents_source_assignment_id_questionnaire_assignments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_org_id'], ['organizations.id'], name=op.f('fk_questionnaire_consents_supplier_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_questionnaire_consents_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_consents'))
    )
    with op.batch_alter_table('questionnaire_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_consents_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_consents_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_consents_supplier_org_id'), ['supplier_org_id'], unique=False)

    op.create_table('questionnaire_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('question_code', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['questionnaire_assignments.id'], name=op.f('fk_questionnaire_evidence_assignment_id_questionnaire_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_questionnaire_evidence_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_questionnaire_evidence_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_evidence')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_questionnaire_evidence_storage_key'))
    )
    with op.batch_alter_table('questionnaire_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_evidence_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_evidence_org_id'), ['org_id'], unique=False)

    op.create_table('questionnaire_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=4), nullable=False),
    sa.Column('strength', sa.String(length=10), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('question', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['questionnaire_assignments.id'], name=op.f('fk_questionnaire_signals_assignment_id_questionnaire_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id', 'supplier_id'], ['suppliers.org_id', 'suppliers.id'], name='fk_questionnaire_signals_org_supplier', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_questionnaire_signals_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_signals'))
    )
    with op.batch_alter_table('questionnaire_signals', schema=None) as batch_op:
        batch_op.create_index('ix_qsignal_org_supplier', ['org_id', 'supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_signals_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_signals_org_id'), ['org_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('questionnaire_signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_signals_org_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaire_signals_assignment_id'))
        batch_op.drop_index('ix_qsignal_org_supplier')

    op.drop_table('questionnaire_signals')
    with op.batch_alter_table('questionnaire_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_evidence_org_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaire_evidence_assignment_id'))

    op.drop_table('questionnaire_evidence')
    with op.batch_alter_table('questionnaire_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_consents_supplier_org_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaire_consents_org_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaire_consents_assignment_id'))

    op.drop_table('questionnaire_consents')
    with op.batch_alter_table('questionnaire_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_assignments_org_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaire_assignments_campaign_id'))
        batch_op.drop_index('ix_qassign_org_supplier')
        batch_op.drop_index('ix_qassign_org_status')
        batch_op.drop_index('ix_qassign_org_due')
        batch_op.drop_index('ix_qassign_addressee')

    op.drop_table('questionnaire_assignments')
    with op.batch_alter_table('questionnaire_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_campaigns_org_id'))

    op.drop_table('questionnaire_campaigns')
