"""Background migration jobs with one row per instance; suspension of an instance

Revision ID: b6e2d9a4c781
Revises: b4e7d2a9c315
Create Date: 2026-12-03 13:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.db

revision = 'b6e2d9a4c781'
down_revision = 'b4e7d2a9c315'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('migration_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=128), nullable=False),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('to_version', sa.Integer(), nullable=False),
    sa.Column('target_version_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', service.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', service.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_migration_jobs_requested_by_id_users')),
    sa.ForeignKeyConstraint(['target_version_id'], ['process_versions.id'], name=op.f('fk_migration_jobs_target_version_id_process_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_migration_jobs'))
    )
    with op.batch_alter_table('migration_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_migration_jobs_process_key'), ['process_key'], unique=False)
    op.create_table('migration_job_items',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('finished_at', service.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_migration_job_items_instance_id_process_instances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['migration_jobs.id'], name=op.f('fk_migration_job_items_job_id_migration_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'instance_id', name=op.f('pk_migration_job_items'))
    )
    with op.batch_alter_table('migration_job_items', schema=None) as batch_op:
        batch_op.create_index('ix_migration_job_items_state_job', ['state', 'job_id'], unique=False)
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspension', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_column('suspension')
    with op.batch_alter_table('migration_job_items', schema=None) as batch_op:
        batch_op.drop_index('ix_migration_job_items_state_job')
    op.drop_table('migration_job_items')
    with op.batch_alter_table('migration_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_migration_jobs_process_key'))
    op.drop_table('migration_jobs')
