"""The task and instance pages of a dossier: the unit head's sign-off names the nominees' kinds and award forms
(in the page's language, also in the resubmission's changes), never their codes; the owning unit is named as it
was on the day the dossier was made, today's name beside it when it changed since."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from markupsafe import escape
from sqlalchemy import select, update

from service.models import HumanTask, OrgUnit, ProcessInstance
from service.nomination import config
from service.operations import admin
from tests.conftest import PASSWORD
from tests.http.test_web_floor import _csrf, _sign_in

from .conftest import HAICHAU, collective, individual, minutes

CITY_MERIT = "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố"
CITY_MERIT_EN = "Certificate of Merit of the Chairman of the City People's Committee"


def _page_for(world, username: str):
    client = world.client.application.test_client()
    _sign_in(client, username, PASSWORD)
    return client


def _task_id(world, instance_id: int, element_id: str) -> str:
    return world.session.scalar(select(HumanTask.id).where(
        HumanTask.instance_id == instance_id, HumanTask.element_id == element_id, HumanTask.state == "open"))


def _form_data(page: str) -> dict:
    return json.loads(re.search(r"<script type=\"application/json\" data-form-data>(.*?)</script>", page, re.S)
                      .group(1))


def _rows() -> list[dict]:
    return [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU"), individual("Nguyễn Thị Lan")]


def _at_head_sign(world) -> dict:
    world.open_round()
    dossier = world.start_dossier(HAICHAU.officer)
    rows = _rows()
    world.act(HAICHAU.officer, dossier["instance_id"], "draft", {"nominees": rows})
    world.act(HAICHAU.officer, dossier["instance_id"], "council_minutes", minutes([8, 8]))
    return dossier


def test_the_head_signs_off_a_list_of_named_kinds_and_award_forms(world):
    dossier = _at_head_sign(world)
    task_id = _task_id(world, dossier["instance_id"], "head_sign")
    client = _page_for(world, HAICHAU.head)
    page = client.get(f"/tasks/{task_id}").data.decode()
    nominees = _form_data(page)["nominees"]
    assert [(row["kind"], row["award_form"]) for row in nominees] == [("Tập thể", CITY_MERIT), ("Cá nhân", CITY_MERIT)]

    client.post("/language", data={"csrf_token": _csrf(page.encode()), "locale": "en", "next": f"/tasks/{task_id}"})
    english = _form_data(client.get(f"/tasks/{task_id}").data.decode())["nominees"]
    assert [(row["kind"], row["award_form"]) for row in english] == [("Collective", CITY_MERIT_EN),
                                                                    ("Individual", CITY_MERIT_EN)]
    # The dossier's own page names them from the same list, in English too.
    dossier_page = client.get(f"/dossiers/{dossier['id']}").data.decode()
    assert str(escape(CITY_MERIT_EN)) in dossier_page and CITY_MERIT not in dossier_page

    # Signing sends the decision only: the stored nominees keep their codes.
    signed = client.post(f"/tasks/{task_id}/sign-off", data={
        "csrf_token": _csrf(page.encode()), "decision": "approve", "data_json": "{}"})
    assert signed.status_code == 302
    world.session.expire_all()
    stored = world.session.get(ProcessInstance, dossier["instance_id"]).data["nominees"]
    assert {row["award_form"] for row in stored} == {"city_chairman_certificate_of_merit"}
    assert {row["kind"] for row in stored} == {"collective", "individual"}


def test_the_changes_since_a_return_name_the_choices(world, deploy):
    deploy("demo_approval.bpmn", "demo_draft.form")
    started = world.post(HAICHAU.officer, "/api/v1/process-instances", {"process_key": "demo_approval"})
    instance_id = started["id"]
    draft = {"nominee_name": "Tổ Công nghệ số", "nominee_kind": "collective", "achievement_summary": "Dẫn đầu."}
    world.act(HAICHAU.officer, instance_id, "draft", draft)
    world.act(HAICHAU.head, instance_id, "sign", {"decision": "return", "return_reason": "Sai loại đối tượng"})
    world.act(HAICHAU.officer, instance_id, "draft", {**draft, "nominee_kind": "individual"})
    page = _page_for(world, HAICHAU.head).get(f"/tasks/{_task_id(world, instance_id, 'sign')}").data.decode()
    changes = page[page.index("Thay đổi so với lần gửi trước"):page.index("Nội dung xử lý")]
    assert "Loại đối tượng" in changes and "<del>Tập thể</del>" in changes and "<ins>Cá nhân</ins>" in changes
    assert "collective" not in changes and "individual" not in changes


def test_a_changed_list_is_named_by_its_label(world):
    dossier = _at_head_sign(world)
    instance_id = dossier["instance_id"]
    world.act(HAICHAU.head, instance_id, "head_sign", {"decision": "return", "return_reason": "Kiểm phiếu lại"})
    world.act(HAICHAU.officer, instance_id, "draft", {"nominees": _rows()})
    world.act(HAICHAU.officer, instance_id, "council_minutes", minutes([8, 7]))
    page = _page_for(world, HAICHAU.head).get(f"/tasks/{_task_id(world, instance_id, 'head_sign')}").data.decode()
    changes = page[page.index("Thay đổi so với lần gửi trước"):page.index("Nội dung xử lý")]
    assert "Kết quả bỏ phiếu · #2" in changes and "<del>8</del>" in changes and "<ins>7</ins>" in changes
    assert "nominees" not in changes


def test_the_pages_name_the_unit_as_it_was_when_the_dossier_was_made(world, create_user):
    dossier = _at_head_sign(world)
    instance_id = dossier["instance_id"]
    old_name = world.session.scalar(select(OrgUnit.name).where(OrgUnit.code == HAICHAU.code))
    # Made ten days ago; the ward is renamed from five days ago.
    made = world.session.get(ProcessInstance, instance_id).created_at - timedelta(days=10)
    world.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id).values(created_at=made))
    sysadmin = create_user("sysadmin", "UBND_DN", ["system_admin"])
    admin.rename_org_unit(world.session, actor=sysadmin, code=HAICHAU.code, values={
        "name": "Ủy ban nhân dân phường Hải Châu (mới)", "effective_from": config.today() - timedelta(days=5)})
    world.session.commit()

    client = _page_for(world, HAICHAU.head)
    for url in (f"/instances/{instance_id}", f"/tasks/{_task_id(world, instance_id, 'head_sign')}"):
        page = client.get(url).data.decode()
        unit = re.search(r"<dt>Đơn vị</dt><dd>(.*?)</dd>", page, re.S).group(1)
        assert f"<span data-unit-name>{old_name}</span>" in unit, url
        assert "(tên hiện nay: Ủy ban nhân dân phường Hải Châu (mới))" in unit, url

    # A dossier made after the rename carries the new name alone.
    world.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id)
                          .values(created_at=made + timedelta(days=10)))
    world.session.commit()
    page = client.get(f"/instances/{instance_id}").data.decode()
    unit = re.search(r"<dt>Đơn vị</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert "Ủy ban nhân dân phường Hải Châu (mới)" in unit and "tên hiện nay" not in unit
