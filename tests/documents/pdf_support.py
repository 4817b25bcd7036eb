"""Helpers of the PDF queue tests: a unit with officers, the document-generating diagram, a backlog."""

from __future__ import annotations

from sqlalchemy import select

from service.models import GeneratedDocument
from service.nomination import seed
from service.operations import admin
from tests.documents.integration_support import decision_inputs, generation_diagram

OFFICERS = 8


def make_world(session, create_user, deploy, *, officers: int = 1) -> list[str]:
    """The city's unit, `officers` officers and the doc_gen diagram (start → document → review → again?)."""
    admin.create_org_unit(session, actor=None, values={
        "code": "UBND_DN", "name": "Ủy ban nhân dân thành phố Đà Nẵng", "kind": "city_peoples_committee",
        "abbreviation": "UBND"})
    session.commit()
    seed.seed_parameters(session)
    session.commit()
    names = [f"officer{index}" for index in range(officers)]
    for name in names:
        create_user(name, "UBND_DN", ["unit_officer"])
    deploy(files={"doc_gen.bpmn": generation_diagram()})
    return names


def large_decision(nominees: int) -> dict:
    """Decision inputs listing `nominees` people: a document LibreOffice takes a while over."""
    inputs = decision_inputs()
    person = inputs["nominees"][1]
    inputs["nominees"] = [{**person, "name": f"Nguyễn Văn Thứ {index}"} for index in range(nominees)]
    return inputs


def start_documents(client, headers: dict, count: int, inputs: dict | None = None) -> list[int]:
    """Start `count` doc_gen instances (one document each); returns the instance ids."""
    ids = []
    for _ in range(count):
        response = client.post("/api/v1/process-instances", headers=headers,
                               json={"process_key": "doc_gen", "data": {"document": inputs or decision_inputs()}})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def states(session_factory) -> dict[int, tuple[str, int]]:
    """Every document's (state, attempts)."""
    with session_factory() as session:
        return {row.id: (row.pdf_status, row.pdf_attempts) for row in session.execute(
            select(GeneratedDocument.id, GeneratedDocument.pdf_status, GeneratedDocument.pdf_attempts))}
