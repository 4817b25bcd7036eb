"""The query parameters of the API's lists, as schemas: the document shows them and the edge checks
them with the same schema before the route reads them (400 with the fields on a bad value)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ...models.instances import INSTANCE_STATUSES
from ..bounds import COUNT, ID

TEXT = validate.Length(max=255)


class Query(Schema):
    class Meta:
        unknown = EXCLUDE  # parameters a route does not read are ignored, as before


class Paging(Query):
    limit = fields.Integer(validate=validate.Range(1, 500), metadata={"description": "1–500, default 50"})
    offset = fields.Integer(validate=COUNT, metadata={"description": "default 0"})


class InstanceQuery(Paging):
    process_key = fields.String(validate=validate.Length(max=128))
    status = fields.String(validate=validate.OneOf(list(INSTANCE_STATUSES)))


class TaskQuery(Paging):
    process_key = fields.String(validate=validate.Length(max=128))
    instance_id = fields.Integer(validate=ID)


class DeployQuery(Query):
    key = fields.String(validate=validate.Length(max=128),
                        metadata={"description": "the process to return when the files define several"})


class PdfQuery(Query):
    signed = fields.Boolean(metadata={"description": "false: the unsigned PDF (default true)"})


class TemplateQuery(Query):
    kind = fields.String(validate=validate.Length(max=64))


class DossierQuery(Paging):
    round_id = fields.Integer(validate=ID)
    status = fields.String(validate=validate.Length(max=32))


class ParameterQuery(Query):
    key = fields.String(validate=TEXT)
    on = fields.Date(metadata={"description": "the values in force on this day"})


class ScoresQuery(Paging):
    year = fields.Integer(validate=validate.Range(1900, 2200))
    edition = fields.String(validate=validate.Length(max=64))


class EditionQuery(Query):
    edition = fields.String(validate=validate.Length(max=64))


class AwardsQuery(Paging):
    year = fields.Integer(validate=validate.Range(1900, 2200))
    subject = fields.String(validate=TEXT)
    round_id = fields.Integer(validate=ID)


class RegisterQuery(Paging):
    issuer = fields.String(validate=validate.Length(max=64))
    year = fields.Integer(validate=validate.Range(1900, 2200))
    type = fields.String(validate=validate.Length(max=32))


class DecisionQuery(Paging):
    issuer = fields.String(validate=validate.Length(max=64))
    year = fields.Integer(validate=validate.Range(1900, 2200))


class RegistrationsQuery(Paging):
    movement = fields.String(required=True, validate=validate.Length(1, 64))
    year = fields.Integer(validate=validate.Range(1900, 2200))


class ReportQuery(Query):
    movement = fields.String(required=True, validate=validate.Length(1, 64))
    year = fields.Integer(required=True, validate=validate.Range(1900, 2200))


class RoundsQuery(Paging):
    movement = fields.String(validate=validate.Length(max=64))
    year = fields.Integer(validate=validate.Range(1900, 2200))
    status = fields.String(validate=validate.Length(max=32))


class OutcomeQuery(Query):
    outcome = fields.String(validate=validate.Length(max=32))


class AwardsExportQuery(Query):
    year = fields.Integer(validate=validate.Range(1900, 2200))
    subject = fields.String(validate=TEXT)
    round_id = fields.Integer(validate=ID)


class RegisterExportQuery(Query):
    issuer = fields.String(validate=validate.Length(max=64))
    year = fields.Integer(validate=validate.Range(1900, 2200))
    type = fields.String(validate=validate.Length(max=32))


class DryRunQuery(Query):
    dry_run = fields.String(validate=validate.OneOf(["0", "1", "true", "false"]))
