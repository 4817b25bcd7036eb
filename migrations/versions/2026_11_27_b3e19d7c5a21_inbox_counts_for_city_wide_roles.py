"""Inbox counts and pages for city-wide roles: offers by role in creation order, shared offers marked

A role of scope "any" (the council's standing members, the Chairman) reads every unit's offers of
that role; with the unit between role and time in the only index, each page sorted thousands of
rows. `ix_task_offers_available_role_created` gives them in order. Counting an inbox de-duplicated
every offer to find tasks reached twice; only a task with several offers can be, so those offers
are marked `shared` and the count de-duplicates only them. The inbox indexes end with the task id,
so a page is read from the index alone.

Revision ID: b3e19d7c5a21
Revises: 630de43fc981
Create Date: 2026-11-27 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b3e19d7c5a21'
down_revision = '630de43fc981'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text("UPDATE task_offers SET shared = :yes WHERE task_id IN "
                       "(SELECT task_id FROM task_offers GROUP BY task_id HAVING count(*) > 1)").bindparams(yes=True))
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_task_offers_available_role_unit')
        batch_op.drop_index('ix_task_offers_available_user')
        batch_op.create_index('ix_task_offers_available_role_unit',
                              ['available', 'role_key', 'org_unit_id', 'created_at', 'task_id'], unique=False)
        batch_op.create_index('ix_task_offers_available_user', ['available', 'user_id', 'created_at', 'task_id'],
                              unique=False)
        batch_op.create_index('ix_task_offers_available_role_created',
                              ['available', 'role_key', 'created_at', 'task_id'], unique=False)
        batch_op.create_index('ix_task_offers_available_shared', ['available', 'shared', 'role_key', 'org_unit_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_task_offers_available_shared')
        batch_op.drop_index('ix_task_offers_available_role_created')
        batch_op.drop_index('ix_task_offers_available_user')
        batch_op.drop_index('ix_task_offers_available_role_unit')
        batch_op.create_index('ix_task_offers_available_role_unit',
                              ['available', 'role_key', 'org_unit_id', 'created_at'], unique=False)
        batch_op.create_index('ix_task_offers_available_user', ['available', 'user_id', 'created_at'], unique=False)
        batch_op.drop_column('shared')
