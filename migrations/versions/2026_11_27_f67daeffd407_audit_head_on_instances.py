"""Audit head on instances: appending an instance event reads no previous row.

Revision ID: f67daeffd407
Revises: 45289eeea334
Create Date: 2026-11-27 20:11:36.024890
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.db


revision = 'f67daeffd407'
down_revision = '45289eeea334'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('audit_hash', sa.String(length=64), server_default='0' * 64, nullable=False))
    # Existing instances take the head of the chain they already have.
    op.execute(
        "UPDATE process_instances SET "
        "audit_seq = COALESCE((SELECT MAX(seq) FROM audit_events e "
        "WHERE e.stream = 'instance:' || CAST(process_instances.id AS VARCHAR)), 0), "
        "audit_hash = COALESCE((SELECT e.hash FROM audit_events e "
        "WHERE e.stream = 'instance:' || CAST(process_instances.id AS VARCHAR) "
        "ORDER BY e.seq DESC LIMIT 1), '" + "0" * 64 + "')"
    )


def downgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_column('audit_hash')
        batch_op.drop_column('audit_seq')

