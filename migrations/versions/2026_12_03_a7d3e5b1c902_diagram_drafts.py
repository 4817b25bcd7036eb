"""Diagram drafts: a process admin's unsaved work on a process's main diagram

Revision ID: a7d3e5b1c902
Revises: c4d1f0a9b7e2
Create Date: 2026-12-03 10:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.db

revision = 'a7d3e5b1c902'
down_revision = 'c4d1f0a9b7e2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('diagram_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=128), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', service.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_diagram_drafts_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagram_drafts')),
    sa.UniqueConstraint('process_key', name=op.f('uq_diagram_drafts_process_key'))
    )


def downgrade() -> None:
    op.drop_table('diagram_drafts')
