"""risk on suppliers: risk_score, risk_band (checked) and an index for ?band=

Revision ID: b4d8f2e3c5a7
Revises: c5e9a3f4d6b8
Create Date: 2026-12-01 07:58:14.163163
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b4d8f2e3c5a7'
down_revision: str | None = 'c5e9a3f4d6b8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_score', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('risk_band', sa.String(length=10), nullable=True))
        batch_op.create_index('ix_suppliers_org_risk_band', ['org_id', 'risk_band'], unique=False)
        batch_op.create_check_constraint(
            op.f('ck_suppliers_risk_band'),
            "risk_band IS NULL OR risk_band IN ('low', 'medium', 'high', 'critical')")
        batch_op.create_check_constraint(
            op.f('ck_suppliers_risk_score'),
            'risk_score IS NULL OR (risk_score >= 0 AND risk_score <= 100)')


def downgrade() -> None:
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_suppliers_risk_score'), type_='check')
        batch_op.drop_constraint(op.f('ck_suppliers_risk_band'), type_='check')
        batch_op.drop_index('ix_suppliers_org_risk_band')
        batch_op.drop_column('risk_band')
        batch_op.drop_column('risk_score')
