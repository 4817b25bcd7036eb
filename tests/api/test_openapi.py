"""The served OpenAPI document: valid OpenAPI 3.0.3, every route with its parameters, bodies, responses
and error statuses; the Swagger page and its assets are served locally."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from service.api.openapi.operations import OPERATIONS

METHODS = {"get", "post", "put", "patch", "delete"}


def test_the_served_document_is_valid_openapi_and_complete(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)  # raises on any structural error
    assert spec["openapi"] == "3.0.3"
    operations = [(path, method, op) for path, item in spec["paths"].items()
                  for method, op in item.items() if method in METHODS]
    api_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]
    assert len(operations) == sum(len(rule.methods - {"HEAD", "OPTIONS"}) for rule in api_rules) >= 70
    assert {op["operationId"] for _, _, op in operations} == set(OPERATIONS)
    for path, method, op in operations:
        declared = {parameter["name"] for parameter in op.get("parameters", []) if parameter["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (path, method)
        success = [status for status in op["responses"] if status.startswith("2")]
        errors = [status for status in op["responses"] if status[0] in "45"]
        assert success and errors, (path, method)
        assert "400" in errors and ("401" in errors or "security" not in op), (path, method)
        for status in success:
            if status != "204":
                assert op["responses"][status].get("content"), (path, method, status)
        for status in errors:
            schema = op["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}
        if method in ("post", "put", "patch") and "requestBody" in op:
            assert {"413", "415", "422"} <= set(errors), (path, method)
    bodies = [op for _, method, op in operations if "requestBody" in op]
    assert len(bodies) == sum(1 for op in OPERATIONS.values() if op.body or op.upload) >= 25
    parameters = sum(len(op.get("parameters", [])) for _, _, op in operations)
    assert parameters >= 80


def test_bounds_are_numbers_and_ids_are_bounded(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("minimum", "maximum", "minLength", "maxLength"):
                if key in node:
                    assert isinstance(node[key], int), node
                    found.append(key)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert len(found) > 50
    start = spec["paths"]["/api/v1/process-instances/{instance_id}"]["get"]["parameters"][0]
    assert start["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def test_query_parameters_are_checked_with_their_documented_schema(client, create_user, login):
    create_user("officer", roles=["unit_officer"])
    bad = client.get("/api/v1/process-instances?status=lost&limit=0", headers=login("officer"))
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["details"]["fields"]) == {"status", "limit"}
    assert client.get("/api/v1/process-instances?status=running", headers=login("officer")).status_code == 200


def test_the_swagger_page_is_served_with_local_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.data
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "docs-init.js"):
        response = client.get(f"/api/v1/docs/assets/{asset}")
        response.close()  # a file response holds the file open until closed
        assert response.status_code == 200, asset


def test_403_is_listed_wherever_a_temporary_password_holds_the_caller(client):
    """Every authenticated operation may answer 403 `password_change_required`, except those an account on
    its temporary password may still call: exactly the paths the request plumbing leaves open."""
    from service.http.install import OPEN_WHILE_PASSWORD_HELD

    spec = client.get("/api/v1/openapi.json").get_json()
    open_paths = set()
    for path, methods in spec["paths"].items():
        for operation in methods.values():
            if not isinstance(operation, dict) or OPERATIONS[operation["operationId"]].public:
                continue
            if "403" not in operation["responses"]:
                open_paths.add(path)
    assert open_paths == set(OPEN_WHILE_PASSWORD_HELD)
    assert spec["paths"]["/api/v1/auth/password"]["post"]["responses"].keys() >= {"200", "401", "422", "429"}
