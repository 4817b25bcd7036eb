"""Inbox index for city-wide roles: available offers by role in creation order, any unit

A role of scope "any" (the council's standing members, the Chairman) reads every unit's offers of
that role; with the unit between role and time in the only index, each page sorted thousands of
rows. This index gives them in order.

Revision ID: b3e19d7c5a21
Revises: 630de43fc981
Create Date: 2026-11-27 21:50:00
"""

from __future__ import annotations

from alembic import op

revision = 'b3e19d7c5a21'
down_revision = '630de43fc981'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.create_index('ix_task_offers_available_role_created', ['available', 'role_key', 'created_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_task_offers_available_role_created')
