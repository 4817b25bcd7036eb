"""org unit name history, role descriptions; the demo's STTTT gets its successor

Revision ID: b8e4d2a6c913
Revises: f5a2c8e1d3b7
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import service.db

revision = "b8e4d2a6c913"
down_revision = "f5a2c8e1d3b7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_unit_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("abbreviation", sa.String(length=32), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("created_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_org_unit_names_org_unit_id_org_units"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit_names")),
    )
    op.create_index(op.f("ix_org_unit_names_org_unit_id"), "org_unit_names", ["org_unit_id"], unique=False)
    with op.batch_alter_table("roles") as batch:
        batch.add_column(sa.Column("description", sa.String(length=2000), nullable=True))
    # Databases seeded before the tree was loaded have Sở TT&TT ended on 01/3/2025 with no parent and no
    # successor; it merged into Sở KH&CN (HĐND session 22, 20/02/2025) and sat under UBND thành phố.
    op.execute(sa.text(
        "UPDATE org_units SET successor_id = (SELECT other.id FROM org_units other WHERE other.code = 'SKHCN') "
        "WHERE code = 'STTTT' AND successor_id IS NULL"))
    op.execute(sa.text(
        "UPDATE org_units SET parent_id = (SELECT other.id FROM org_units other WHERE other.code = 'UBND_DN') "
        "WHERE code = 'STTTT' AND parent_id IS NULL"))

def downgrade() -> None:
    with op.batch_alter_table("roles") as batch:
        batch.drop_column("description")
    op.drop_index(op.f("ix_org_unit_names_org_unit_id"), table_name="org_unit_names")
    op.drop_table("org_unit_names")
