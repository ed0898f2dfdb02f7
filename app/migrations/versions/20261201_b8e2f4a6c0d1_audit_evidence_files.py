"""audit evidence files: files attached to a finding or to a corrective action (exactly one)

Revision ID: b8e2f4a6c0d1
Revises: a7d1e5c3b9f2
Create Date: 2026-12-01 13:31:33.735293
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = 'b8e2f4a6c0d1'
down_revision: str | None = 'a7d1e5c3b9f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(finding_id IS NULL AND action_id IS NOT NULL) OR (finding_id IS NOT NULL AND action_id IS NULL)', name=op.f('ck_audit_evidence_one_parent')),
    sa.ForeignKeyConstraint(['action_id'], ['audit_actions.id'], name=op.f('fk_audit_evidence_action_id_audit_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['audit_findings.id'], name=op.f('fk_audit_evidence_finding_id_audit_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_audit_evidence_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_audit_evidence_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_evidence')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_audit_evidence_storage_key'))
    )
    with op.batch_alter_table('audit_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_evidence_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_evidence_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_evidence_org_id'), ['org_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('audit_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_evidence_org_id'))
        batch_op.drop_index(batch_op.f('ix_audit_evidence_finding_id'))
        batch_op.drop_index(batch_op.f('ix_audit_evidence_action_id'))

    op.drop_table('audit_evidence')
