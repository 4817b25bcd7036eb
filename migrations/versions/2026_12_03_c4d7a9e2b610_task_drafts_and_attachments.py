"""Task drafts per user and task; files attached to instances (bytes in the database)

Revision ID: c4d7a9e2b610
Revises: e93c5d1f7a48
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.db

revision = 'c4d7a9e2b610'
down_revision = 'e93c5d1f7a48'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'task_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('updated_at', service.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id'], name=op.f('fk_task_drafts_task_id_human_tasks'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_task_drafts_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_task_drafts')),
        sa.UniqueConstraint('task_id', 'user_id', name='uq_task_drafts_task_id_user_id'),
    )
    op.create_index(op.f('ix_task_drafts_user_id'), 'task_drafts', ['user_id'], unique=False)
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('element_id', sa.String(length=255), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=128), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', service.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('removed_at', service.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_attachments_instance_id_process_instances'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_attachments_removed_by_id_users')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    )
    op.create_index(op.f('ix_attachments_instance_id'), 'attachments', ['instance_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_attachments_instance_id'), table_name='attachments')
    op.drop_table('attachments')
    op.drop_index(op.f('ix_task_drafts_user_id'), table_name='task_drafts')
    op.drop_table('task_drafts')
