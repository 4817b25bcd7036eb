"""Process instances: start, read, list, history, retry, skip, suspend, resume, terminate."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate

from ..http import current_user, db
from ..operations import instance_control, instances, task_views
from .bounds import ID, ORG_UNIT_CODE
from .dumping import compiled_dump
from .inputs import json_body, page_args
from .tasks import task_body

bp = Blueprint("instances", __name__, url_prefix="/api/v1/process-instances")


class StartIn(Schema):
    process_key = fields.String(required=True, validate=validate.Length(1, 128))
    version = fields.Integer(load_default=None, allow_none=True, validate=ID)
    org_unit_code = fields.String(load_default=None, allow_none=True, validate=ORG_UNIT_CODE)
    data = fields.Dict(keys=fields.String(), load_default=dict)


class RetryIn(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class TerminateIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class ReasonIn(Schema):
    """Suspend, resume and skip: why, kept in the instance's history."""

    reason = fields.String(required=True, validate=validate.Length(1, instance_control.REASON_MAX))


class InstanceOut(Schema):
    id = fields.Integer()
    process_key = fields.String()
    version = fields.Integer()
    status = fields.String()
    org_unit_code = fields.Function(lambda i: i.org_unit.code)
    started_by = fields.Function(lambda i: i.started_by.username if i.started_by else None)
    data = fields.Dict()
    error = fields.Dict(allow_none=True)
    lock_version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class HistoryOut(Schema):
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    action = fields.String()
    element_id = fields.String(allow_none=True)
    task_name = fields.String(allow_none=True)
    details = fields.Dict()


# Schemas hold no request state: one instance each (see tasks.py).
INSTANCE = InstanceOut()
instance_body = compiled_dump(INSTANCE)  # every step's response
INSTANCES = InstanceOut(many=True)
HISTORY = HistoryOut(many=True)
START_IN = StartIn()
RETRY_IN = RetryIn()
TERMINATE_IN = TerminateIn()
REASON_IN = ReasonIn()


def instance_json(instance, open_tasks=None) -> dict:
    """The instance with its open tasks (given by the step that just ran, or read)."""
    body = instance_body(instance)
    if open_tasks is None:
        open_tasks = task_views.open_of_instance(db(), instance.id)
    body["tasks"] = [task_body(task) for task in open_tasks]
    return body


@bp.post("")
def start():
    """Start an instance; it runs until every path waits."""
    values = START_IN.load(json_body())
    outcome = instances.start(db(), actor=current_user(), **values)
    return jsonify(instance_json(outcome.instance, outcome.open_tasks)), 201


@bp.get("")
def list_instances():
    """Instances the caller may see."""
    limit, offset = page_args()
    items, total = instances.list_instances(db(), actor=current_user(), process_key=request.args.get("process_key"),
                                            status=request.args.get("status"), limit=limit, offset=offset)
    return jsonify({"items": INSTANCES.dump(items), "total": total})


@bp.get("/<int:instance_id>")
def get_instance(instance_id: int):
    """One instance with its open human tasks."""
    return jsonify(instance_json(instances.get_instance(db(), actor=current_user(), instance_id=instance_id)))


@bp.get("/<int:instance_id>/history")
def history(instance_id: int):
    """The instance's audit events, in order."""
    events = instances.history(db(), actor=current_user(), instance_id=instance_id)
    return jsonify({"items": HISTORY.dump(events), "total": len(events)})


@bp.post("/<int:instance_id>/retry")
def retry(instance_id: int):
    """Re-run the failed step of an instance in error, optionally with corrected data."""
    values = RETRY_IN.load(json_body())
    instance = instances.retry_instance(db(), actor=current_user(), instance_id=instance_id, data=values["data"])
    return jsonify(instance_json(instance))


@bp.post("/<int:instance_id>/terminate")
def terminate(instance_id: int):
    """End an instance early, with a reason (administrators)."""
    values = TERMINATE_IN.load(json_body())
    instance = instances.terminate_instance(db(), actor=current_user(), instance_id=instance_id, **values)
    return jsonify(instance_json(instance))


@bp.post("/<int:instance_id>/skip")
def skip(instance_id: int):
    """For an instance in error: mark the failed element done without running it again, and run on."""
    values = REASON_IN.load(json_body())
    instance = instance_control.skip(db(), actor=current_user(), instance_id=instance_id, **values)
    return jsonify(instance_json(instance))


@bp.post("/<int:instance_id>/suspend")
def suspend(instance_id: int):
    """Stop the instance until resumed: no completion, timer or message moves it (409 says why)."""
    values = REASON_IN.load(json_body())
    instance = instance_control.suspend(db(), actor=current_user(), instance_id=instance_id, **values)
    return jsonify(instance_json(instance))


@bp.post("/<int:instance_id>/resume")
def resume(instance_id: int):
    """Let a suspended instance move again, in the status it had."""
    values = REASON_IN.load(json_body())
    instance = instance_control.resume(db(), actor=current_user(), instance_id=instance_id, **values)
    return jsonify(instance_json(instance))
