"""Filtered inboxes from the offer indexes: each offer carries its task's process key

An inbox filtered by process joined every reachable offer to its task to read the process key: a
city-wide role's filtered inbox at 100,000 open tasks read thousands of task rows for its count
(PostgreSQL chose a hash join over the whole task table). The key now sits on the offer, last in
each inbox index, so filtered pages and counts read the indexes alone, as unfiltered ones do.

Revision ID: c4d2f1a7e9b0
Revises: c4d7a9e2b610
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c4d2f1a7e9b0'
down_revision = 'c4d7a9e2b610'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_task_offers_available_role_unit': ['available', 'role_key', 'org_unit_id', 'created_at', 'task_id'],
    'ix_task_offers_available_user': ['available', 'user_id', 'created_at', 'task_id'],
    'ix_task_offers_available_role_created': ['available', 'role_key', 'created_at', 'task_id'],
}


def upgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('process_key', sa.String(length=128), nullable=True))
    op.execute(sa.text("UPDATE task_offers SET process_key = "
                       "(SELECT human_tasks.process_key FROM human_tasks WHERE human_tasks.id = task_offers.task_id)"))
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [*columns, 'process_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
        batch_op.drop_column('process_key')
