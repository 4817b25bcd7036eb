"""The inbox and task actions."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate

from ..http import current_user, db
from ..http.locale import request_locale
from ..operations import tasks
from .bounds import COUNT, USERNAME
from .dumping import compiled_dump
from .inputs import json_body, page_args

bp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks")


class TaskOut(Schema):
    id = fields.String()
    name = fields.String()
    element_id = fields.String()
    process_key = fields.String()
    instance_id = fields.Integer()
    lane = fields.String(allow_none=True)
    role = fields.String(attribute="role_key", allow_none=True)
    org_unit_code = fields.String(allow_none=True)
    assignee = fields.String(attribute="assignee_username", allow_none=True)
    state = fields.String()
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Function(lambda t: t.is_overdue())


class CompleteIn(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)
    expected_version = fields.Integer(load_default=None, allow_none=True, validate=COUNT)


class ReassignIn(Schema):
    username = fields.String(required=True, allow_none=True, validate=USERNAME)
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


# Schemas hold no request state: one instance each, built at import (building one per request cost
# more than using it).
TASK = TaskOut()
task_body = compiled_dump(TASK)  # inbox pages and step responses list many tasks
COMPLETE_IN = CompleteIn()
REASSIGN_IN = ReassignIn()


@bp.get("")
def inbox():
    """Open tasks the caller may act on."""
    limit, offset = page_args()
    instance_id = request.args.get("instance_id", type=int)
    items, total = tasks.list_tasks(db(), actor=current_user(), process_key=request.args.get("process_key"),
                                    instance_id=instance_id, limit=limit, offset=offset)
    return jsonify({"items": [task_body(item) for item in items], "total": total})


@bp.get("/<task_id>")
def get_task(task_id: str):
    """A task with its form and the values the form starts with."""
    page = tasks.task_page(db(), actor=current_user(), task_id=task_id, locale=request_locale())
    body = TASK.dump(page.task)
    body["form"] = page.form.to_json()
    body["data"] = page.data
    return jsonify(body)


@bp.post("/<task_id>/claim")
def claim(task_id: str):
    """Take an offered task; 409 if someone else holds it."""
    return jsonify(TASK.dump(tasks.claim(db(), actor=current_user(), task_id=task_id)))


@bp.post("/<task_id>/unclaim")
def unclaim(task_id: str):
    """Give a claimed task back to its candidates."""
    return jsonify(TASK.dump(tasks.unclaim(db(), actor=current_user(), task_id=task_id)))


@bp.post("/<task_id>/complete")
def complete(task_id: str):
    """Complete a task with form data; returns the instance and its new open tasks."""
    from .instances import instance_json  # instances imports task_body from here

    values = COMPLETE_IN.load(json_body())
    outcome = tasks.complete(db(), actor=current_user(), task_id=task_id, data=values["data"],
                             expected_version=values["expected_version"], locale=request_locale())
    return jsonify({"instance": instance_json(outcome.instance, outcome.open_tasks)})


@bp.post("/<task_id>/reassign")
def reassign(task_id: str):
    """Give a task to another user (administrators; audited)."""
    values = REASSIGN_IN.load(json_body())
    task = tasks.reassign(db(), actor=current_user(), task_id=task_id, **values)
    return jsonify(TASK.dump(task))
