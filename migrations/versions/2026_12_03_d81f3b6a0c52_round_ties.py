"""round ties: ties at a quota boundary left for the reviewer

Revision ID: d81f3b6a0c52
Revises: c4d1a7e9b210
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "d81f3b6a0c52"
down_revision = "c4d1a7e9b210"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("award_rounds") as batch_op:
        batch_op.add_column(sa.Column("ties", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("award_rounds") as batch_op:
        batch_op.drop_column("ties")
