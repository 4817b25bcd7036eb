"""Accounts whose password an administrator set must change it at the next sign-in

`users.password_must_change` is set when an administrator creates an account with a password or resets
one, and cleared when the user changes their own. Existing accounts are not held (server default false).

Revision ID: d3f8a1c6e2b5
Revises: a7c3e5f9b2d1
Create Date: 2026-12-04 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'd3f8a1c6e2b5'
down_revision = 'a7c3e5f9b2d1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('password_must_change', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('password_must_change')
