"""Deploy a bundle through the HTTP API and drive each of its processes to its end, as a person would.

Used by the committed corpus (tests/corpus/*.bpmn, always run) and by the public-corpus run (external
diagrams named by VINHDANH_CORPUS). Lanes that match no role get a role created for them and mapped
through the lane-roles API; user tasks are completed with the values their form starts with (form
defaults, else a plain value of the field's type); due timers are fired; awaited messages are posted.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from service.db import utcnow
from service.models import MessageSubscription
from service.operations.timers import fire_instance_timers

RUNNER = "corpus_runner"  # holds process_admin, system_admin and every role made for a lane
MAX_STEPS = 40


@dataclass
class Outcome:
    """What happened to one bundle: deployed or refused, its warnings, and how each process ran."""

    name: str
    status: int = 0
    problems: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    processes: dict[str, str] = field(default_factory=dict)  # process key -> completed / why it stopped
    data: dict[str, dict] = field(default_factory=dict)  # process key -> the instance's data at the end

    @property
    def deployed(self) -> bool:
        return self.status in (200, 201)

    @property
    def completed(self) -> bool:
        return self.deployed and bool(self.processes) and all(v == "completed" for v in self.processes.values())

    def line(self) -> str:
        """One line for the report."""
        if not self.deployed:
            reasons = "; ".join(f"{p.get('element_id')}: {p['message']}" for p in self.problems[:3])
            return f"REFUSED  {self.name}: {reasons}"
        runs = ", ".join(f"{k}={v}" for k, v in self.processes.items())
        state = "COMPLETED" if self.completed else "DEPLOYED "
        return f"{state} {self.name} ({len(self.warnings)} warnings) {runs}"


class Driver:
    """Thin HTTP client for deploy-and-run; `session` is used only to fire timers and read subscriptions."""

    def __init__(self, client, login, session):
        self.client, self.login, self.session = client, login, session
        self.made_roles: set[str] = set()

    def _headers(self) -> dict:
        return self.login(RUNNER)

    def deploy(self, name: str, files: dict[str, bytes]) -> Outcome:
        """POST the bundle; map every unmapped lane to a role the runner holds."""
        data = {"files": [(io.BytesIO(content), filename) for filename, content in files.items()]}
        response = self.client.post("/api/v1/process-definitions", data=data, headers=self._headers(),
                                    content_type="multipart/form-data")
        body = response.get_json() or {}
        outcome = Outcome(name, response.status_code)
        if not outcome.deployed:
            outcome.problems = body.get("error", {}).get("details", {}).get("problems") or [
                {"element_id": None, "message": body.get("error", {}).get("message", str(response.status_code))}]
            return outcome
        outcome.warnings = body["warnings"]
        self._map_lanes(body)
        for process_key in body["processes"]:
            outcome.processes[process_key] = "not started"
        return outcome

    def _map_lanes(self, body: dict) -> None:
        for process_key in body["processes"]:
            path = f"/api/v1/process-definitions/{process_key}/versions"
            version = self._latest_version(process_key)
            rows = self.client.get(f"{path}/{version}/lane-roles", headers=self._headers()).get_json()["items"]
            changes = [{"kind": row["kind"], "name": row["name"], "role_key": self._role_for(row["name"])}
                       for row in rows if row["role_key"] is None]
            if changes:
                response = self.client.put(f"{path}/{version}/lane-roles", json={"mappings": changes},
                                           headers=self._headers())
                assert response.status_code == 200, response.get_json()

    def _latest_version(self, process_key: str) -> int:
        items = self.client.get("/api/v1/process-definitions", headers=self._headers()).get_json()["items"]
        return next(item["version"] for item in items if item["key"] == process_key)

    def _role_for(self, lane: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", lane).encode("ascii", "ignore").decode().lower()
        key = ("lane_" + re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_"))[:60]
        if key not in self.made_roles:
            response = self.client.post("/api/v1/admin/roles", json={"key": key, "name": f"{lane} ({key})",
                                                                     "scope": "any"}, headers=self._headers())
            assert response.status_code in (201, 409), response.get_json()
            roles = sorted({*self._runner_roles(), key})
            response = self.client.patch(f"/api/v1/admin/users/{RUNNER}", json={"roles": roles},
                                         headers=self._headers())
            assert response.status_code == 200, response.get_json()
            self.made_roles.add(key)
        return key

    def _runner_roles(self) -> list[str]:
        return ["process_admin", "system_admin", *self.made_roles]

    def run(self, outcome: Outcome, data_for=None) -> None:
        """Start every deployed process of the bundle and drive it; record how each one ended."""
        for process_key in list(outcome.processes):
            response = self.client.post("/api/v1/process-instances", json={"process_key": process_key, "data": {}},
                                        headers=self._headers())
            if response.status_code != 201:
                outcome.processes[process_key] = f"start {response.status_code}: {response.get_json()}"
                continue
            instance_id = response.get_json()["id"]
            outcome.processes[process_key] = self._drive(instance_id, data_for)
            outcome.data[process_key] = self.client.get(f"/api/v1/process-instances/{instance_id}",
                                                        headers=self._headers()).get_json()["data"]

    def _drive(self, instance_id: int, data_for) -> str:
        for _ in range(MAX_STEPS):
            instance = self.client.get(f"/api/v1/process-instances/{instance_id}", headers=self._headers()).get_json()
            if instance["status"] in ("completed", "error", "terminated"):
                return instance["status"] if instance["status"] != "error" else f"error: {self._error(instance_id)}"
            if instance["tasks"]:
                task = instance["tasks"][0]
                status = self._complete(task, data_for)
                if status != 200:
                    return f"task {task['element_id']} could not be completed ({status})"
            elif not self._fire_timers(instance_id) and not self._post_messages(instance_id):
                return f"stuck ({instance['status']}, nothing to fire or post; {self._waits(instance_id)})"
        return f"not done after {MAX_STEPS} steps"

    def _error(self, instance_id: int) -> str:
        history = self.client.get(f"/api/v1/process-instances/{instance_id}/history",
                                  headers=self._headers()).get_json()["items"]
        errors = [event for event in history if event["action"] == "instance.error"]
        return str(errors[-1]["details"])[:300] if errors else "?"

    def _complete(self, task: dict, data_for) -> int:
        detail = self.client.get(f"/api/v1/tasks/{task['id']}", headers=self._headers()).get_json()
        data = form_values(detail["form"])
        if data_for is not None:
            data.update(data_for(task["element_id"], detail) or {})
        response = self.client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data},
                                    headers=self._headers())
        return response.status_code

    def _fire_timers(self, instance_id: int) -> bool:
        # The engine checks due times against the real clock: short timers (PT0.2S) fire after a pause,
        # long ones leave the instance waiting (reported as stuck on its timer).
        time.sleep(0.25)
        fired = fire_instance_timers(self.session, instance_id=instance_id, now=utcnow() + timedelta(days=3660))
        self.session.commit()
        return fired

    def _waits(self, instance_id: int) -> str:
        history = self.client.get(f"/api/v1/process-instances/{instance_id}/history",
                                  headers=self._headers()).get_json()["items"]
        return f"last events: {[(e['action'], e['element_id']) for e in history[-3:]]}"

    def _post_messages(self, instance_id: int) -> bool:
        self.session.expire_all()
        waits = self.session.execute(select(MessageSubscription.message_name, MessageSubscription.correlation)
                                     .where(MessageSubscription.instance_id == instance_id)).all()
        for name, correlation in waits:
            response = self.client.post("/api/v1/messages", json={"name": name, "correlation": correlation or {},
                                                                  "payload": {}}, headers=self._headers())
            if response.status_code == 200 and instance_id in response.get_json()["delivered_to"]:
                return True
        return False


_TYPE_VALUES = {"boolean": True, "long": 1, "number": 1, "checkbox": True, "date": "2026-12-03",
                "datetime": "2026-12-03T10:00:00+07:00", "number_field": 1}


def form_values(form: dict) -> dict:
    """The values a person accepting every default would submit to this form."""
    if form["type"] == "camunda-formdata":
        return {f["id"]: _formdata_value(f) for f in form["schema"]}
    if form["type"] == "form-js":
        return _formjs_values(form["schema"].get("components") or [])
    return {}


def _formdata_value(spec: dict):
    default, kind = spec.get("default_value"), spec.get("type") or "string"
    if spec.get("values"):
        return default or spec["values"][0]["id"]
    if default is not None:
        if kind == "boolean":
            return default.lower() == "true"
        if kind == "long":
            return int(default)
        return default
    return _TYPE_VALUES.get(kind, "corpus")


def _formjs_values(components: list[dict]) -> dict:
    values: dict = {}
    for component in components:
        key, kind = component.get("key"), component.get("type")
        if component.get("components"):
            values.update(_formjs_values(component["components"]))
        if not key or kind in ("text", "button", "image", "spacer", "separator", "html"):
            continue
        if "defaultValue" in component:
            values[key] = component["defaultValue"]
        elif component.get("values"):
            values[key] = component["values"][0]["value"]
        elif kind == "number":
            values[key] = 1
        elif kind == "checkbox":
            values[key] = True
        elif kind == "datetime":
            values[key] = "2026-12-03"
        else:
            values[key] = "corpus"
    return values
