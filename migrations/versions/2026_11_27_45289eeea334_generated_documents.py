"""document templates (versioned) and generated documents

Revision ID: 45289eeea334
Revises: 7b2d4c91e3a0
Create Date: 2026-11-27 19:42:49.421119
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.db


revision = '45289eeea334'
down_revision = '7b2d4c91e3a0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', service.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_document_templates_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_templates')),
    sa.UniqueConstraint('kind', 'version', name='uq_document_templates_kind_version')
    )
    with op.batch_alter_table('document_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_templates_kind'), ['kind'], unique=False)

    op.create_table('generated_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.String(length=255), nullable=True),
    sa.Column('task_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('symbol', sa.String(length=64), nullable=True),
    sa.Column('registered_document_id', sa.Integer(), nullable=True),
    sa.Column('pdf_status', sa.String(length=16), nullable=False),
    sa.Column('pdf_content', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_error', sa.String(length=1000), nullable=True),
    sa.Column('sign_pdf', sa.Boolean(), nullable=False),
    sa.Column('signed_pdf_content', sa.LargeBinary(), nullable=True),
    sa.Column('signed_at', service.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pdf_claimed_at', service.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('converted_at', service.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', service.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_generated_documents_created_by_id_users')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_generated_documents_instance_id_process_instances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_document_id'], ['document_register.id'], name=op.f('fk_generated_documents_registered_document_id_document_register')),
    sa.ForeignKeyConstraint(['template_id'], ['document_templates.id'], name=op.f('fk_generated_documents_template_id_document_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_generated_documents')),
    sa.UniqueConstraint('instance_id', 'kind', 'subject', 'version', name='uq_generated_documents_instance_kind_subject_version')
    )
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_generated_documents_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_generated_documents_pdf_status', ['pdf_status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('generated_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_generated_documents_pdf_status')
        batch_op.drop_index(batch_op.f('ix_generated_documents_instance_id'))

    op.drop_table('generated_documents')
    with op.batch_alter_table('document_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_templates_kind'))

    op.drop_table('document_templates')
