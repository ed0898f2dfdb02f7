"""TEMPORARY (hD): join the two heads of the branches merged here, hC's questionnaire tables
(0c0ffee0000c) and hB's supplier contact email (9c1d2e3f4a5b). No schema change; the lead
re-chains the migrations at merge and drops this one.

Revision ID: 0d0ffee0000d
Revises: 0c0ffee0000c, 9c1d2e3f4a5b
Create Date: 2026-12-01 10:50:00
"""
from collections.abc import Sequence

revision: str = '0d0ffee0000d'
down_revision: str | Sequence[str] | None = ('0c0ffee0000c', '9c1d2e3f4a5b')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
