"""Document conversion queue: states generated/converting/converted/failed, claim attempts, deferred .docx.

Revision ID: c4d1f0a9b7e2
Revises: c4d2f1a7e9b0
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c4d1f0a9b7e2'
down_revision = 'c4d2f1a7e9b0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pdf_worker', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pdf_seconds', sa.Float(), nullable=True))
        # The .docx is rendered by the converter, after the step's transaction.
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=True)
    op.execute("UPDATE generated_documents SET pdf_status = 'generated' WHERE pdf_status = 'pending'")
    op.execute("UPDATE generated_documents SET pdf_status = 'converted' WHERE pdf_status = 'done'")


def downgrade() -> None:
    op.execute("UPDATE generated_documents SET pdf_status = 'pending' WHERE pdf_status = 'generated'")
    op.execute("UPDATE generated_documents SET pdf_status = 'done' WHERE pdf_status = 'converted'")
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('pdf_seconds')
        batch_op.drop_column('pdf_worker')
        batch_op.drop_column('pdf_attempts')
