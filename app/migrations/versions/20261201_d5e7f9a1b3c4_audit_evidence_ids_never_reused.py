"""audit evidence ids never reused on SQLite (AUTOINCREMENT): a deleted file's link stays 404

Revision ID: d5e7f9a1b3c4
Revises: c3f5a7b9d1e2
Create Date: 2026-12-01 18:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'd5e7f9a1b3c4'
down_revision: str | None = 'c3f5a7b9d1e2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(autoincrement: bool) -> None:
    # PostgreSQL ids come from a sequence and are never reused: nothing to do there.
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table('audit_evidence', recreate='always',
                              table_kwargs={'sqlite_autoincrement': autoincrement}):
        pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
