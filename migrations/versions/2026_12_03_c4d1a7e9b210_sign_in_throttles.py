"""sign-in throttles: failed sign-ins per username

Revision ID: c4d1a7e9b210
Revises: b3e19d7c5a21
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import service.db

revision = "c4d1a7e9b210"
down_revision = "b3e19d7c5a21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", service.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("not_before", service.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_sign_in_throttles")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_throttles")
