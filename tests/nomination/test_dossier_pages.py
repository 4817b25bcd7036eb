"""The dossier pages: the officer creates a dossier for the open round, imports nominees from Excel
(one bad row: its error by row and column, nothing kept; fixed: the rows become the draft step's),
and a returned dossier opens with the reason on top and the clock paused."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from service.models import Dossier, TaskDraft
from tests.conftest import PASSWORD
from tests.http.test_web_floor import _sign_in

from .conftest import HAICHAU, collective, submit_and_review
from .test_nominee_sheet import GOOD, TEAM, _sheet


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def test_the_officer_creates_a_dossier_and_imports_the_sheet_into_the_draft(world):
    world.open_round()
    client = world.client.application.test_client()
    _sign_in(client, HAICHAU.officer, PASSWORD)
    listing = client.get("/dossiers")
    assert listing.status_code == 200 and "Tạo hồ sơ" in listing.data.decode()
    created = client.post("/dossiers", data={"csrf_token": _csrf(listing.data), "round_id": world.round_id})
    assert created.status_code == 302
    dossier_id = int(created.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/dossiers/{dossier_id}")
    text = page.data.decode()
    assert "Nhập danh sách từ Excel" in text and "Đủ số thành viên khi có mặt ít nhất" in text

    bad = client.post(f"/dossiers/{dossier_id}/import", data={
        "csrf_token": _csrf(page.data), "file": (io.BytesIO(_sheet([GOOD, {**TEAM, "dx_index_score": "79.995"}])),
                                                  "ds.xlsx")}, content_type="multipart/form-data")
    assert bad.status_code == 422
    errors = re.findall(r"<tr><td>(\d+)</td><td>([A-Z]+)", bad.data.decode())
    assert errors == [("3", "N")]
    assert world.session.scalars(select(TaskDraft)).all() == []

    good = client.post(f"/dossiers/{dossier_id}/import", data={
        "csrf_token": _csrf(page.data), "file": (io.BytesIO(_sheet([GOOD, TEAM])), "ds.xlsx")},
        content_type="multipart/form-data")
    assert good.status_code == 302 and good.headers["Location"].startswith("/tasks/")
    [draft] = world.session.scalars(select(TaskDraft)).all()
    assert [row["name"] for row in draft.data["nominees"]] == ["Nguyễn Thị Lan", "Ủy ban nhân dân phường Hải Châu"]
    assert draft.data["nominees"][0]["date_of_birth"] == "1985-03-15"
    assert draft.data["nominees"][1]["dx_index_score"] == 86.5


def test_a_returned_dossier_opens_with_the_reason_and_the_clock_paused(world):
    world.open_round()
    dossier = submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU")],
                                decision="return")
    assert world.session.get(Dossier, dossier["id"]).status == "returned"
    client = world.client.application.test_client()
    _sign_in(client, HAICHAU.officer, PASSWORD)
    text = client.get(f"/dossiers/{dossier['id']}").data.decode()
    assert text.index("Hồ sơ bị trả lại") < text.index("<h1>")
    assert "Bổ sung" in text and "Tạm dừng tính hạn" in text
    # Another unit's officer gets nothing.
    other = world.client.application.test_client()
    _sign_in(other, "stc_officer", PASSWORD)
    assert other.get(f"/dossiers/{dossier['id']}").status_code == 404


def test_the_officer_is_told_of_the_return_with_the_reason(world):
    world.open_round()
    submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU")],
                      decision="return")
    client = world.client.application.test_client()
    _sign_in(client, HAICHAU.officer, PASSWORD)
    text = client.get("/notifications").data.decode()
    assert "Hồ sơ bị trả lại: " in text
    assert "Lý do: Bổ sung" in text
