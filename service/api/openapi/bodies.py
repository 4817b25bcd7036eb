"""Response bodies the routes assemble from several schemas (an instance with its open tasks, a task
with its form), declared from those same schemas for the document."""

from __future__ import annotations

from marshmallow import Schema, fields

from .. import instances, tasks
from ..nomination import public as nomination_public


class InstanceWithTasks(instances.InstanceOut):
    tasks = fields.List(fields.Nested(tasks.TaskOut), metadata={"description": "the open human tasks"})


class CompletedOut(Schema):
    instance = fields.Nested(InstanceWithTasks)


class FormOut(Schema):
    type = fields.String(metadata={"enum": ["form-js", "camunda-formdata", "none"]})
    schema = fields.Raw(allow_none=True, metadata={"description": "the form-js schema or the formData fields"})


class TaskDetail(tasks.TaskOut):
    form = fields.Nested(FormOut)
    data = fields.Dict(metadata={"description": "the values the form starts with"})


class NoticeWithNominees(nomination_public.PublicNoticeOut):
    nominees = fields.List(fields.Nested(nomination_public.PublicNomineeOut))


class DeliveredOut(Schema):
    delivered_to = fields.List(fields.Integer(), metadata={"description": "ids of the instances reached"})


class TieOut(Schema):
    """A tie at a quota boundary, as consolidation stores it on the round."""

    index = fields.Integer()
    nominee_ids = fields.List(fields.Integer())
    names = fields.List(fields.String())
    criteria = fields.List(fields.String())
    places = fields.Integer()
    quota = fields.String(metadata={"enum": ["unit", "total"]})
    resolved = fields.Boolean()
    proposed = fields.List(fields.Integer())
    reason = fields.String()
    resolved_by = fields.String()


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"description": "snake_case, stable"})
    message = fields.String(required=True, metadata={"description": "in the request's language"})
    details = fields.Dict(required=True, metadata={
        "description": "`fields` (field → messages) on 422; `problems` on a deploy's 422"})


class ErrorOut(Schema):
    error = fields.Nested(ErrorDetail, required=True)
