"""A round's document conversions (counts by state) and an administrator's retry of a failed conversion."""

from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from ..http import current_user, db
from ..pdf import progress
from .documents import DocumentDetailOut

bp = Blueprint("document_progress", __name__, url_prefix="/api/v1")


class FailedConversionOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    symbol = fields.String(allow_none=True)
    error = fields.String(allow_none=True)


class ProgressOut(Schema):
    round_id = fields.Integer()
    total = fields.Integer()
    converted = fields.Integer()
    states = fields.Dict(keys=fields.String(), values=fields.Integer())
    percent = fields.Float()
    label = fields.String()
    failed = fields.List(fields.Nested(FailedConversionOut))


@bp.get("/rounds/<int:round_id>/documents/progress")
def round_documents_progress(round_id: int):
    """The round's documents by PDF state (generated, converting, converted, failed), e.g. "1.204 / 1.940 PDF"."""
    return jsonify(progress.round_progress(db(), actor=current_user(), round_id=round_id))


@bp.post("/documents/<int:document_id>/pdf/retry")
def retry_pdf(document_id: int):
    """Send a failed conversion back to the converters (administrators); 409 unless it failed."""
    document = progress.retry_conversion(db(), actor=current_user(), document_id=document_id)
    body = DocumentDetailOut(exclude=("context", "format_problems")).dump(document)
    return jsonify(body), 202
