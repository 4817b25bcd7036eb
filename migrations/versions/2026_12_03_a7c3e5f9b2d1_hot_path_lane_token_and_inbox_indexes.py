"""Hot path (issue 15): a token on process versions that changes with their lane -> role mapping;
the web inbox's group tab reads its tasks from an index (issue 8)

Task-creating steps read a version's lane -> role mapping; each process now caches it per version
and token, and a step reads the token with the rows it reads anyway (the instance's query), so the
mapping's own SELECT is gone unless an administrator edited it since.

The inbox page's group tab, sorted by due date or filtered, reads each task its offers reach by id:
`ix_human_tasks_id_instance_dates` gives the id, instance and dates without the task's row.

A new task's notifications read the users of its offer's role: `ix_user_roles_role_id`.

Revision ID: a7c3e5f9b2d1
Revises: b6e2d9a4c781
Create Date: 2026-12-03 13:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a7c3e5f9b2d1'
down_revision = 'b6e2d9a4c781'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_versions') as batch:
        batch.add_column(sa.Column('lane_roles_token', sa.String(length=32), server_default='0', nullable=False))
    op.create_index('ix_human_tasks_id_instance_dates', 'human_tasks', ['id', 'instance_id', 'created_at', 'due_at'])
    op.create_index('ix_user_roles_role_id', 'user_roles', ['role_id'])


def downgrade() -> None:
    op.drop_index('ix_user_roles_role_id', table_name='user_roles')
    op.drop_index('ix_human_tasks_id_instance_dates', table_name='human_tasks')
    with op.batch_alter_table('process_versions') as batch:
        batch.drop_column('lane_roles_token')
