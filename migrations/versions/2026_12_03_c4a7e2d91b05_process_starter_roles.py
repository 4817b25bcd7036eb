"""Process starter roles: who may start each process version, read from its diagram.

Revision ID: c4a7e2d91b05
Revises: a7d3e5b1c902
Create Date: 2026-12-03 09:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c4a7e2d91b05'
down_revision = 'a7d3e5b1c902'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Versions deployed before keep NULL: their diagrams said nothing, so the default rule applies.
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starter_roles', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_column('starter_roles')
