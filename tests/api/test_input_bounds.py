"""Every string the API accepts is bounded by the column it is stored in or compared with (issue 9).

SQLite stores a string of any length in a VARCHAR(n) column and PostgreSQL refuses it mid-request: the
schemas refuse it first, the same way on both databases (422 naming the field, nothing stored).
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil

import pytest
from marshmallow import Schema, fields, validate
from sqlalchemy import String, func, select
from sqlalchemy.orm import InstrumentedAttribute

import service.api
from service.engine.bundle.validation import MAX_ELEMENT_ID, MAX_NAME, MAX_PROCESS_ID, validate_bundle
from service.models import (
    AuditEvent,
    AwardRound,
    Deployment,
    DeploymentFile,
    HumanTask,
    LaneRoleMapping,
    LegalParameter,
    MessageSubscription,
    Movement,
    MovementLead,
    Nominee,
    OrgUnit,
    ProcessInstance,
    ProcessVersion,
    PublicComment,
    Role,
    User,
)
from tests.conftest import read_fixture

# The table each input schema writes: its fields are stored in the columns of the same name. None: the
# schema writes no row of its own (a command, a lookup, or values kept in JSON).
WRITES: dict[str, type | None] = {
    "admin.OrgUnitIn": OrgUnit, "admin.RoleIn": Role, "admin.UserIn": User, "admin.UserPatch": User,
    "auth.TokenRequest": User, "auth.PasswordChangeIn": None, "definitions.LaneRoleIn": LaneRoleMapping,
    "definitions.LaneRolesIn": None,
    "instances.StartIn": ProcessInstance, "instances.RetryIn": None, "instances.TerminateIn": None,
    "instances.ReasonIn": None,
    "messages.MessageIn": None,
    "nomination.dossiers.NomineeIn": Nominee, "nomination.dossiers.NomineePatch": Nominee,
    "nomination.dossiers.HoldIn": Nominee, "nomination.dossiers.DossierIn": None,
    "nomination.public.PublicCommentIn": PublicComment, "nomination.reference.ParameterIn": LegalParameter,
    "nomination.registrations.RegistrationIn": None, "nomination.rounds.LeadIn": MovementLead,
    "nomination.rounds.MovementIn": Movement, "nomination.rounds.QuotaIn": None,
    "nomination.rounds.RoundOpenIn": AwardRound, "nomination.rounds.QuotasIn": None,
    "nomination.rounds.CloseIn": None, "nomination.rounds.TieResolutionIn": None,
    "tasks.CompleteIn": None, "tasks.ReassignIn": None,
}
# Fields that name a row of another table, wherever they appear: compared with (or stored as) its key.
NAMES: dict[str, InstrumentedAttribute] = {
    "org_unit_code": OrgUnit.code, "parent_code": OrgUnit.code, "subject_org_unit_code": OrgUnit.code,
    "issuer_code": OrgUnit.code, "movement_code": Movement.code, "roles": Role.key, "role_key": Role.key,
    "username": User.username, "award_forms": AwardRound.award_form,
}
# A field stored under another name.
STORED_AS: dict[str, InstrumentedAttribute] = {"messages.MessageIn.name": MessageSubscription.message_name}


# Input schemas the API shares with the pages, defined outside service/api and walked where the API imports them.
SHARED = ("service.nomination.nominee_input",)


def input_schemas() -> dict[str, type[Schema]]:
    """Every schema in service/api that loads a request (by convention, those not named *Out/*Response)."""
    found = {}
    for module_info in pkgutil.walk_packages(service.api.__path__, "service.api."):
        if module_info.name.startswith("service.api.openapi"):
            continue  # the OpenAPI document's own schemas describe bodies; they load nothing
        module = importlib.import_module(module_info.name)
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, Schema) and cls.__module__ in (module.__name__, *SHARED) \
                    and not name.endswith(("Out", "Response")):
                found[f"{module_info.name.removeprefix('service.api.')}.{name}"] = cls
    return found


def string_fields(schema: Schema) -> dict[str, fields.String]:
    """The schema's loaded strings, a list's items included."""
    found = {}
    for name, field in schema.load_fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.String):
            found[name] = inner
    return found


def longest_accepted(field: fields.String) -> int | None:
    """The longest value the field's validators let through; None when unbounded."""
    bounds = [check.max for check in field.validators if isinstance(check, validate.Length) and check.max is not None]
    bounds += [max(map(len, check.choices)) for check in field.validators if isinstance(check, validate.OneOf)]
    return min(bounds, default=None)


def column_of(schema_name: str, field_name: str, field: fields.String) -> InstrumentedAttribute | None:
    if f"{schema_name}.{field_name}" in STORED_AS:
        return STORED_AS[f"{schema_name}.{field_name}"]
    if field_name in NAMES:
        return NAMES[field_name]
    model = WRITES[schema_name]
    attribute = getattr(model, field.attribute or field_name, None) if model is not None else None
    return attribute if isinstance(attribute, InstrumentedAttribute) else None


def test_every_input_schema_is_known_here():
    # A new input schema must say what it writes, or the walk below cannot tell which columns bound it.
    assert sorted(input_schemas()) == sorted(WRITES)


def test_every_input_string_has_a_length_within_its_column():
    unbounded, too_long, checked = [], [], 0
    for schema_name, cls in input_schemas().items():
        for field_name, field in string_fields(cls()).items():
            longest = longest_accepted(field)
            column = column_of(schema_name, field_name, field)
            if longest is None:
                unbounded.append(f"{schema_name}.{field_name}")
                continue
            if column is not None and isinstance(column.type, String) and column.type.length is not None:
                checked += 1
                if longest > column.type.length:
                    too_long.append(f"{schema_name}.{field_name}: {longest} > {column}({column.type.length})")
    assert unbounded == [] and too_long == []
    assert checked > 40  # the walk reached the columns (not an empty mapping passing trivially)


def test_the_walk_catches_a_missing_or_too_long_bound():
    class Loose(Schema):
        email = fields.Email()
        name = fields.String(validate=validate.Length(max=300))

    loose = string_fields(Loose())
    assert longest_accepted(loose["email"]) is None
    assert longest_accepted(loose["name"]) == 300 > User.full_name.type.length


# Through the API on the database under test (TEST_DATABASE_URL selects PostgreSQL).

@pytest.fixture
def admins(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_user("root", "CITY", ["system_admin"])
    create_user("padmin", "CITY", ["process_admin"])


def test_an_over_long_email_is_422_naming_it_and_nothing_is_stored(client, session, admins, login):
    email = "a" * 250 + "@ubnd.vn"  # 258 characters: a valid address, longer than users.email
    response = client.post("/api/v1/admin/users", json={
        "username": "clerk9", "password": "mật-khẩu-dài-1", "full_name": "Trần Thị B", "email": email},
        headers=login("root"))
    assert response.status_code == 422, response.get_json()
    assert "email" in response.get_json()["error"]["details"]["fields"]
    assert session.scalar(select(func.count()).select_from(User).where(User.username == "clerk9")) == 0
    patched = client.patch("/api/v1/admin/users/padmin", json={"email": email}, headers=login("root"))
    assert patched.status_code == 422 and "email" in patched.get_json()["error"]["details"]["fields"]
    session.expire_all()
    assert session.scalar(select(User.email).where(User.username == "padmin")) is None


def test_an_over_long_parent_code_and_role_are_422_naming_them(client, session, admins, login):
    response = client.post("/api/v1/admin/org-units", json={
        "code": "PX1", "name": "Phường 1", "kind": "department", "parent_code": "C" * 65}, headers=login("root"))
    assert response.status_code == 422 and "parent_code" in response.get_json()["error"]["details"]["fields"]
    response = client.post("/api/v1/admin/users", json={
        "username": "clerk8", "password": "mật-khẩu-dài-1", "full_name": "B", "roles": ["r" * 65]},
        headers=login("root"))
    assert response.status_code == 422 and "roles" in response.get_json()["error"]["details"]["fields"]
    assert session.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.code == "PX1")) == 0


def test_an_over_long_file_name_is_422_naming_files_and_nothing_is_deployed(client, session, admins, login):
    name = "q" * 300 + ".bpmn"
    data = {"files": [(io.BytesIO(read_fixture("three_lanes.bpmn")), name)]}
    response = client.post("/api/v1/process-definitions", data=data, headers=login("padmin"),
                           content_type="multipart/form-data")
    assert response.status_code == 422, response.get_json()
    assert "files" in response.get_json()["error"]["details"]["fields"]
    assert session.scalar(select(func.count()).select_from(Deployment)) == 0
    assert session.scalar(select(func.count()).select_from(DeploymentFile)) == 0


def test_an_over_long_lane_name_is_422_naming_it(client, session, admins, login, deploy):
    deployment = deploy("three_lanes.bpmn")
    response = client.put(f"/api/v1/process-definitions/{deployment.key}/versions/1/lane-roles",
                          json={"mappings": [{"name": "L" * 256, "role_key": "unit_officer"}]},
                          headers=login("padmin"))
    assert response.status_code == 422, response.get_json()
    assert "name" in response.get_json()["error"]["details"]["fields"]["mappings"]["0"]
    assert session.scalar(select(func.count()).select_from(LaneRoleMapping)
                          .where(func.length(LaneRoleMapping.name) > 255)) == 0


def test_the_diagram_limits_are_the_columns_lengths():
    assert MAX_PROCESS_ID == ProcessVersion.process_key.type.length == Deployment.key.type.length
    assert MAX_ELEMENT_ID == HumanTask.element_id.type.length == AuditEvent.element_id.type.length
    assert MAX_NAME == HumanTask.name.type.length == HumanTask.lane.type.length == LaneRoleMapping.name.type.length


@pytest.mark.parametrize(("old", "new", "code"), [
    ('id="three_lanes"', f'id="{"p" * 129}"', "id_too_long"),
    ('id="t1"', f'id="{"t" * 256}"', "id_too_long"),
    ('name="unit_officer"', f'name="{"L" * 256}"', "name_too_long"),
])
def test_a_diagram_id_or_name_longer_than_its_column_refuses_the_deployment(client, session, admins, login,
                                                                          old, new, code):
    xml = read_fixture("three_lanes.bpmn").decode()
    assert old in xml
    data = {"files": [(io.BytesIO(xml.replace(old, new).encode()), "three_lanes.bpmn")]}
    response = client.post("/api/v1/process-definitions", data=data, headers=login("padmin"),
                           content_type="multipart/form-data")
    assert response.status_code == 422, response.get_json()
    problems = response.get_json()["error"]["details"]["problems"]
    assert any("vượt quá" in problem["message"] for problem in problems), problems
    assert [p.code for p in validate_bundle({"three_lanes.bpmn": xml.replace(old, new).encode()})
            if p.code.endswith("_too_long")] == [code]
    assert session.scalar(select(func.count()).select_from(Deployment)) == 0
