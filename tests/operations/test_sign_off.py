"""Sign-off buttons read from forms; return needs a reason; the reviser sees it; the reviewer sees
exactly what changed in the resubmission."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.errors import ValidationFailed
from service.forms import FormDefinition
from service.operations import attachments, sign_off, task_workspace

from .conftest import DRAFT, complete, open_task

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_sign_off_form_gives_buttons_and_reason_field():
    form = FormDefinition(type="form-js", schema=json.loads((ROOT / "forms" / "sign_off.form").read_text()))
    found = sign_off.sign_off_of(form)
    assert found.field == "decision" and found.reason_field == "return_reason"
    assert [(a.value, a.kind, a.needs_reason) for a in found.actions] == [
        ("approve", "approve", False), ("return", "return", True)]
    # What is left of the form is its heading and the read-only nominees table (it submits nothing).
    assert [c["type"] for c in found.rest.schema["components"]] == ["text", "table"]


def test_formdata_enum_with_reject_and_non_sign_off_forms():
    fields = [{"id": "verdict", "type": "enum", "values": [{"id": "approve", "name": "Đồng ý"},
                                                           {"id": "reject", "name": "Không đồng ý"}]},
              {"id": "reject_reason", "type": "string"}, {"id": "note", "type": "string"}]
    found = sign_off.sign_off_of(FormDefinition(type="camunda-formdata", schema=fields))
    assert found.field == "verdict" and found.reason_field == "reject_reason"
    assert [a.kind for a in found.actions] == ["approve", "reject"]
    assert [f["id"] for f in found.rest.schema] == ["note"]
    # An enumeration that is not a decision (a nominee kind) is not a sign-off.
    kinds = [{"id": "kind", "type": "enum", "values": [{"id": "collective", "name": "Tập thể"},
                                                       {"id": "approve", "name": "x"}]}]
    assert sign_off.sign_off_of(FormDefinition(type="camunda-formdata", schema=kinds)) is None
    assert sign_off.sign_off_of(FormDefinition.none()) is None


def test_return_resubmit_diff_approve(session, people, start_case):
    officer, head = people["officer"], people["head"]
    instance, draft = start_case()
    attachments.add_attachment(session, actor=officer, task_id=draft.id, filename="bao_cao.pdf", content=PDF)
    session.commit()
    complete(session, officer, draft, DRAFT)
    sign = open_task(session, instance, "sign")

    page = task_workspace.task_workspace(session, actor=head, task_id=sign.id)
    assert page.sign_off is not None and [a.kind for a in page.sign_off.actions] == ["approve", "return"]
    assert page.diff is None  # first submission: nothing to compare with
    assert [a.filename for a in page.attachments] == ["bao_cao.pdf"]

    with pytest.raises(ValidationFailed) as refused:
        sign_off.sign_off(session, actor=head, task_id=sign.id, decision="return", reason="  ")
    assert "return_reason" in refused.value.details["fields"]
    session.rollback()
    sign_off.sign_off(session, actor=head, task_id=sign.id, decision="return",
                      reason="Bổ sung số liệu năm 2026")
    session.commit()

    redo = open_task(session, instance, "draft")
    revising = task_workspace.task_workspace(session, actor=officer, task_id=redo.id)
    assert [(r.kind, r.reason, r.actor) for r in revising.returns] == [
        ("return", "Bổ sung số liệu năm 2026", "Người dùng head")]
    assert revising.initial_data["nominee_name"] == DRAFT["nominee_name"]
    changed = DRAFT | {"achievement_summary": "Hoàn thành xuất sắc nhiệm vụ; số liệu năm 2026 đã bổ sung."}
    task_workspace.submit(session, actor=officer, task_id=redo.id, data=changed)
    session.commit()

    sign_again = open_task(session, instance, "sign")
    review = task_workspace.task_workspace(session, actor=head, task_id=sign_again.id)
    assert review.returns == []  # the reviewer is not the reviser
    assert "decision" not in review.initial_data  # a decision is never pre-filled from the last one
    assert [(c.key, c.label, c.kind, c.before, c.after) for c in review.diff.fields] == [
        ("achievement_summary", "Tóm tắt thành tích", "changed", DRAFT["achievement_summary"],
         changed["achievement_summary"])]
    assert review.diff.lists == {} and review.diff.attachments_added == [] == review.diff.attachments_removed
    sign_off.sign_off(session, actor=head, task_id=sign_again.id, decision="approve")
    session.commit()
    assert open_task(session, instance, "confirm") is not None


def test_sign_off_refuses_values_outside_the_buttons(session, people, start_case):
    instance, draft = start_case()
    complete(session, people["officer"], draft, DRAFT)
    sign = open_task(session, instance, "sign")
    with pytest.raises(ValidationFailed):
        sign_off.sign_off(session, actor=people["head"], task_id=sign.id, decision="maybe")
    with pytest.raises(ValidationFailed):  # not a sign-off step
        sign_off.sign_off(session, actor=people["officer"], task_id=draft.id, decision="approve")
