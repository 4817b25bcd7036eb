"""Shared helpers for the element-coverage tests: an organisation and a thin HTTP client.

Every element test drives its diagram through the HTTP API (start, complete, messages) so what is
proven is the service's behaviour, not the engine's in isolation. This module holds no tests.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from flask.testing import FlaskClient

ELEMENTS = "elements/"

# username -> (org unit, roles)
USERS = {
    "officer": ("DEPT", ["unit_officer"]),
    "officer2": ("DEPT", ["unit_officer"]),
    "head": ("DEPT", ["unit_head"]),
    "superior": ("CITY", ["superior_head"]),
    "other_officer": ("OTHER", ["unit_officer"]),
    "other_head": ("OTHER", ["unit_head"]),
    "integrator": ("CITY", ["integration"]),
    "padmin": ("CITY", ["process_admin"]),
}


# Argon2 with the production cost takes ~0.5 s per user on the test machine; these tests are about the
# engine, not passwords. Verification reads the cost from the stored hash, so logins stay real.


def build_org(create_org_unit, create_user) -> None:
    """The units and users every element test uses."""
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    create_org_unit("OTHER", parent_code="CITY")
    for username, (unit, roles) in USERS.items():
        create_user(username, unit, roles)


def fixture_names(*names: str) -> list[str]:
    return [ELEMENTS + name for name in names]


@dataclass
class Api:
    """The HTTP calls the tests make, each asserting its expected status code."""

    client: FlaskClient
    login: object

    def start(self, key: str, data: dict | None = None, *, user: str = "officer", status: int = 201, **extra) -> dict:
        response = self.client.post(
            "/api/v1/process-instances",
            json={"process_key": key, "data": data or {}, **extra},
            headers=self.login(user),
        )
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def instance(self, instance_id: int, *, user: str = "officer") -> dict:
        response = self.client.get(f"/api/v1/process-instances/{instance_id}", headers=self.login(user))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def complete(self, task_id: str, data: dict | None = None, *, user: str = "officer", status: int = 200) -> dict:
        response = self.client.post(
            f"/api/v1/tasks/{task_id}/complete", json={"data": data or {}}, headers=self.login(user)
        )
        assert response.status_code == status, response.get_json()
        body = response.get_json()
        if status != 200:
            return body
        # The tasks the step lists (built from what it wrote) are exactly what a fresh read finds.
        assert self.instance(body["instance"]["id"], user=user)["tasks"] == body["instance"]["tasks"]
        return body["instance"]

    def task(self, task_id: str, *, user: str = "officer") -> dict:
        response = self.client.get(f"/api/v1/tasks/{task_id}", headers=self.login(user))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def inbox(self, *, user: str = "officer", **filters) -> list[dict]:
        response = self.client.get("/api/v1/tasks", query_string=filters, headers=self.login(user))
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    def history(self, instance_id: int, *, user: str = "officer") -> list[dict]:
        response = self.client.get(f"/api/v1/process-instances/{instance_id}/history", headers=self.login(user))
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    def actions(self, instance_id: int, *, user: str = "officer") -> list[str]:
        return [event["action"] for event in self.history(instance_id, user=user)]

    def message(
        self,
        name: str,
        correlation: dict | None = None,
        payload: dict | None = None,
        *,
        user: str = "integrator",
        status: int = 200,
    ) -> dict:
        response = self.client.post(
            "/api/v1/messages",
            json={"name": name, "correlation": correlation or {}, "payload": payload or {}},
            headers=self.login(user),
        )
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def upload(self, files: dict[str, bytes], *, user: str = "padmin"):
        """POST /process-definitions with these files; returns the raw response."""
        data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
        return self.client.post("/api/v1/process-definitions", data=data, headers=self.login(user),
                                content_type="multipart/form-data")

    def retry(self, instance_id: int, data: dict | None = None, *, user: str = "officer", status: int = 200) -> dict:
        response = self.client.post(
            f"/api/v1/process-instances/{instance_id}/retry", json={"data": data or {}}, headers=self.login(user)
        )
        assert response.status_code == status, response.get_json()
        return response.get_json()


def only_task(instance: dict, element_id: str | None = None) -> dict:
    """The single open task of an instance (optionally checking which element it is)."""
    assert len(instance["tasks"]) == 1, instance["tasks"]
    [task] = instance["tasks"]
    if element_id is not None:
        assert task["element_id"] == element_id, task
    return task


def task_ids(instance: dict) -> list[str]:
    return sorted(task["element_id"] for task in instance["tasks"])


def wait_past(seconds: float) -> None:
    """Let a short timer (PT0.2S and the like) become due."""
    time.sleep(seconds)
