"""enterprise clearances with proof, enterprise sector, moderation of public comments

Revision ID: b4e7d2a9c315
Revises: b8e4d2a6c913
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import service.db

revision = "b4e7d2a9c315"
down_revision = "b8e4d2a6c913"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nominees") as batch_op:
        batch_op.add_column(sa.Column("sector", sa.String(length=64), nullable=True))
    op.create_table(
        "nominee_clearances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nominee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["nominee_id"], ["nominees.id"], name="fk_nominee_clearances_nominee_id_nominees",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name="fk_nominee_clearances_recorded_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_nominee_clearances"),
        sa.UniqueConstraint("nominee_id", "kind", name="uq_nominee_clearances_nominee_kind"),
    )
    op.create_index("ix_nominee_clearances_nominee_id", "nominee_clearances", ["nominee_id"])
    with op.batch_alter_table("public_comments") as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="new"))
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("moderated_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("moderated_at", service.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_public_comments_moderated_by_id_users", "users", ["moderated_by_id"], ["id"])
        batch_op.create_index("ix_public_comments_status", ["status"])


def downgrade() -> None:
    with op.batch_alter_table("public_comments") as batch_op:
        batch_op.drop_index("ix_public_comments_status")
        batch_op.drop_constraint("fk_public_comments_moderated_by_id_users", type_="foreignkey")
        batch_op.drop_column("moderated_at")
        batch_op.drop_column("moderated_by_id")
        batch_op.drop_column("answer")
        batch_op.drop_column("status")
    op.drop_index("ix_nominee_clearances_nominee_id", table_name="nominee_clearances")
    op.drop_table("nominee_clearances")
    with op.batch_alter_table("nominees") as batch_op:
        batch_op.drop_column("sector")
