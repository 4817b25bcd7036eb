"""Available offers for the inbox: read by role and unit in creation order, closed ones aside

Revision ID: 630de43fc981
Revises: f67daeffd407
Create Date: 2026-11-27 20:21:24.631290
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.db


revision = '630de43fc981'
down_revision = 'f67daeffd407'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('available', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('created_at', service.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f('ix_task_offers_role_unit'))
    # Existing offers: the task's creation time; available only while the task is open and unheld.
    op.execute("UPDATE task_offers SET created_at = "
               "(SELECT created_at FROM human_tasks WHERE human_tasks.id = task_offers.task_id)")
    op.execute(sa.text("UPDATE task_offers SET available = :no WHERE task_id IN "
                       "(SELECT id FROM human_tasks WHERE state <> 'open' OR assignee_id IS NOT NULL)")
               .bindparams(no=False))
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=service.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_task_offers_available_role_unit',
                              ['available', 'role_key', 'org_unit_id', 'created_at'], unique=False)
        batch_op.create_index('ix_task_offers_available_user', ['available', 'user_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_task_offers_available_user')
        batch_op.drop_index('ix_task_offers_available_role_unit')
        batch_op.create_index(batch_op.f('ix_task_offers_role_unit'), ['role_key', 'org_unit_id'], unique=False)
        batch_op.drop_column('created_at')
        batch_op.drop_column('available')

