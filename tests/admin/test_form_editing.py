"""Forms edited in the browser: checked as task forms are, deployed as the next version of their bundle."""

from __future__ import annotations

import json

import pytest

from service.errors import PermissionDenied, ValidationFailed
from service.operations import deployments, form_editing

from ..conftest import read_fixture


@pytest.fixture
def world(deploy, create_user, create_org_unit):
    create_org_unit("CITY", kind="city_peoples_committee")
    deploy("demo_approval.bpmn", "demo_draft.form")
    return {"padmin": create_user("padmin", "CITY", ["process_admin"]),
            "watcher": create_user("watcher", "CITY", ["auditor"])}


def test_an_added_field_is_deployed_with_the_process(world, session):
    schema = json.loads(read_fixture("demo_draft.form"))
    schema["components"].append({"type": "textfield", "id": "Field_phone", "key": "contact_phone",
                                 "label": "Số điện thoại liên hệ"})
    with pytest.raises(PermissionDenied):
        form_editing.deploy_form(session, actor=world["watcher"], process_key="demo_approval", version=1,
                                 filename="demo_draft.form", schema=schema)
    outcome = form_editing.deploy_form(session, actor=world["padmin"], process_key="demo_approval", version=1,
                                       filename="demo_draft.form", schema=schema)
    session.commit()
    assert outcome.created
    version = deployments.get_version(session, "demo_approval", 2)
    keys = [c.get("key") for c in version.forms["demo_draft"]["components"]]
    assert "contact_phone" in keys


@pytest.mark.parametrize("schema", [[], "form", {"components": [{"type": "textfield"}, {"type": "textfield"}]}])
def test_an_invalid_form_deploys_nothing(world, session, schema):
    with pytest.raises(ValidationFailed):
        form_editing.deploy_form(session, actor=world["padmin"], process_key="demo_approval", version=1,
                                 filename="demo_draft.form", schema=schema)
    assert deployments.get_version(session, "demo_approval").version == 1
