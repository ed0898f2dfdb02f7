"""Activity log: hash_version, keyed checkpoints, actors kept; edges kept inside one tenant

Revision ID: a3c7e1d2b4f6
Revises: e7abc5b6f8da
Create Date: 2026-12-01 07:57:28.648089

Existing activity entries become hash_version 1 (their hash leaves actor_id out) and are never
rehashed: rewriting stored hashes is exactly the tampering the log detects. New entries are
version 2 (every field). Downgrading drops hash_version, after which version 2 entries no
longer verify under the old code.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = 'a3c7e1d2b4f6'
down_revision: str | None = 'e7abc5b6f8da'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    crossing = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM relationships r "
        "JOIN suppliers s ON s.id = r.supplier_id "
        "LEFT JOIN suppliers c ON c.id = r.customer_id "
        "WHERE s.org_id <> r.org_id OR (r.customer_id IS NOT NULL AND c.org_id <> r.org_id)"
    ))
    if crossing:
        raise RuntimeError(
            f"{crossing} relationships join suppliers of different organisations; "
            "inspect and remove them before upgrading (the new foreign keys refuse them)."
        )

    op.create_table('activity_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_activity_checkpoints_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_checkpoints'))
    )
    with op.batch_alter_table('activity_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_checkpoints_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_activity_checkpoints_org_seq', ['org_id', 'seq'], unique=False)

    # Every entry written so far hashed the version 1 field set.
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.drop_constraint(batch_op.f('fk_activity_entries_actor_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_activity_entries_actor_id_users'), 'users', ['actor_id'], ['id'])
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.alter_column('hash_version', server_default=None)

    # The composite keys below point at (org_id, id), so it must be unique first. A unique
    # index rather than a table constraint: SQLite then needs no rebuild of suppliers, whose
    # DROP during a rebuild would cascade-delete every relationship.
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.create_index('uq_suppliers_org_id_id', ['org_id', 'id'], unique=True)

    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_relationships_customer_id_suppliers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_relationships_supplier_id_suppliers'), type_='foreignkey')
        batch_op.create_foreign_key('fk_relationships_org_customer_suppliers', 'suppliers', ['org_id', 'customer_id'], ['org_id', 'id'], ondelete='CASCADE')
        batch_op.create_foreign_key('fk_relationships_org_supplier_suppliers', 'suppliers', ['org_id', 'supplier_id'], ['org_id', 'id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.drop_constraint('fk_relationships_org_supplier_suppliers', type_='foreignkey')
        batch_op.drop_constraint('fk_relationships_org_customer_suppliers', type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_relationships_supplier_id_suppliers'), 'suppliers', ['supplier_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_relationships_customer_id_suppliers'), 'suppliers', ['customer_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.drop_index('uq_suppliers_org_id_id')

    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activity_entries_actor_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_activity_entries_actor_id_users'), 'users', ['actor_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_column('hash_version')

    with op.batch_alter_table('activity_checkpoints', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_checkpoints_org_seq')
        batch_op.drop_index(batch_op.f('ix_activity_checkpoints_org_id'))

    op.drop_table('activity_checkpoints')
