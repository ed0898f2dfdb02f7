"""supplier contact email and connection date: suppliers.contact_email, suppliers.connected_at

Revision ID: 9c1d2e3f4a5b
Revises: b4d8f2e3c5a7
Create Date: 2026-12-01 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = '9c1d2e3f4a5b'
down_revision: str | None = 'b4d8f2e3c5a7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default): SQLite does it in place, without the batch
    # rebuild of `suppliers` that env.py warns about.
    op.add_column('suppliers', sa.Column('contact_email', sa.String(length=254), nullable=True))
    op.add_column('suppliers', sa.Column('connected_at', app.db.UTCDateTime(timezone=True),
                                         nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a plain column in place too.
    op.drop_column('suppliers', 'connected_at')
    op.drop_column('suppliers', 'contact_email')
