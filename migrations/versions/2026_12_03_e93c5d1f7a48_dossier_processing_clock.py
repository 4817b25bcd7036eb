"""dossier processing clock: working days used, stopped while the unit supplements

Revision ID: e93c5d1f7a48
Revises: d81f3b6a0c52
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import service.db

revision = "e93c5d1f7a48"
down_revision = "d81f3b6a0c52"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch_op:
        batch_op.add_column(sa.Column("clock_used_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("clock_running_since", service.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("clock_stopped_at", service.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch_op:
        batch_op.drop_column("clock_stopped_at")
        batch_op.drop_column("clock_running_since")
        batch_op.drop_column("clock_used_days")
