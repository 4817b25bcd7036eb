"""Deploy warnings kept with each deployment; the per-process-version lane/candidate-group -> role table

Revision ID: c4a1e7d2b9f0
Revises: e93c5d1f7a48
Create Date: 2026-12-03 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.db

revision = 'c4a1e7d2b9f0'
down_revision = 'e93c5d1f7a48'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings', sa.JSON(), nullable=True))
    op.execute(sa.text("UPDATE deployments SET warnings = '[]'"))
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.alter_column('warnings', existing_type=sa.JSON(), nullable=False)
    op.create_table('lane_role_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('role_key', sa.String(length=64), nullable=True),
    sa.Column('auto', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', service.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_versions.id'],
                            name=op.f('fk_lane_role_mappings_process_version_id_process_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_lane_role_mappings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lane_role_mappings')),
    sa.UniqueConstraint('process_version_id', 'kind', 'name', name=op.f('uq_lane_role_mappings_process_version_id'))
    )


def downgrade() -> None:
    op.drop_table('lane_role_mappings')
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.drop_column('warnings')
