"""A bounded property-based fuzz of the served OpenAPI document (schemathesis, fixed seed): every
operation, signed in as a unit officer and as an administrator. No answer may be a server error, carry
an undocumented status or content type, or break its documented schema."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from service.demo import load_demo
from service.models import User

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}  # per operation and user (~2,000 requests)


@pytest.fixture
def world(app, session, client):
    """The demo organisation, users, movement and workflows, with an instance and a registration."""
    load_demo(session)
    session.commit()
    signer = app.extensions["vinhdanh"].token_signer
    users = {name: session.scalar(select(User).where(User.username == name)) for name in ("officer_stc", "sysadmin")}
    headers = {name: {"Authorization": f"Bearer {signer.issue(user)}"} for name, user in users.items()}
    started = client.post("/api/v1/process-instances", json={"process_key": "demo_approval"},
                          headers=headers["officer_stc"])
    assert started.status_code == 201, started.get_json()
    return headers


def fuzz(operation, headers: dict, statuses: Counter, mode: GenerationMode) -> str | None:
    """The first failure of the operation's examples, or None; counts the statuses answered."""
    failures: list[str] = []

    @settings(max_examples=EXAMPLES[mode], derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if failures:
            return
        try:
            response = case.call(headers=headers)
            statuses[response.status_code // 100] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")

    try:
        run()
    except Unsatisfiable:  # negative mode: an operation with nothing that can be made invalid
        assert mode is GenerationMode.NEGATIVE
    return failures[0] if failures else None


def test_fuzz_every_operation_as_an_officer_and_an_administrator(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 65
    started = time.monotonic()
    failures, statuses = [], Counter()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for user in ("officer_stc", "sysadmin"):
            for operation in operations:
                failure = fuzz(operation, world[user], statuses, mode)
                if failure:
                    failures.append(f"[{mode.value} {user}] {failure}")
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} failures in {elapsed:.0f} s:\n" + "\n\n".join(failures)
    assert statuses[5] == 0
    assert statuses[2] >= 150, statuses  # enough answers succeed for their bodies' schemas to be checked
    print(f"fuzz: {sum(statuses.values())} requests in {elapsed:.0f} s, by class: {dict(sorted(statuses.items()))}")
