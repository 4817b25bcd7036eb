"""emulation_registration: reminders on working days (across Tết), sign-off, acknowledgement, the report."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from service.calendar.working_days import VIETNAM_TZ, WorkingCalendar
from service.models import LegalParameter, Timer

from .conftest import HAICHAU, MOVEMENT

TET_2027 = {date(2027, 2, day) for day in range(4, 11)}


def test_reminders_fall_on_working_days_across_tet_and_stop_once_acknowledged(world):
    # The year's deadline set by a dated parameter: Friday 12/02/2027, right after the Tết break.
    world.session.add(LegalParameter(key="registration.deadline", value={"month": 2, "day": 12},
                                     valid_from=date(2027, 1, 1), source="Cấu hình kiểm thử"))
    world.session.commit()
    registration = world.post(HAICHAU.officer, "/api/v1/registrations", {"movement_code": MOVEMENT, "year": 2027})
    instance_id = registration["instance_id"]
    assert instance_id

    reminder = world.instance(instance_id)["data"]["reminder"]
    days = [datetime.fromisoformat(moment).astimezone(VIETNAM_TZ).date() for moment in reminder["next_reminders"]]
    # 10, 5 and 1 working days before the deadline: Tết (4–10/02) and weekends are skipped.
    assert days == [date(2027, 1, 22), date(2027, 1, 29), date(2027, 2, 11)]
    calendar = WorkingCalendar(years=[2027])
    assert all(calendar.is_working_day(day) for day in days) and not TET_2027 & set(days)
    world.session.expire_all()
    [timer] = world.session.scalars(select(Timer).where(Timer.instance_id == instance_id)).all()
    assert timer.element_id == "next_reminder"
    assert timer.fire_at == datetime.fromisoformat(reminder["next_reminders"][0])

    register = world.task(HAICHAU.officer, instance_id, "register")
    assert register["due_at"].startswith("2027-02-12")  # the registration deadline
    world.act(HAICHAU.officer, instance_id, "register",
              {"titles": ["excellent_collective"], "commitments": "100% hồ sơ thủ tục hành chính trực tuyến"})
    world.act(HAICHAU.head, instance_id, "unit_head_sign", {"decision": "approve"})
    world.act("lead_reviewer", instance_id, "acknowledge",
              {"decision": "return", "return_reason": "Nêu rõ chỉ tiêu theo quý"})
    again = world.task(HAICHAU.officer, instance_id, "register")
    assert again["data"]["revision_request"]["reason"] == "Nêu rõ chỉ tiêu theo quý"
    world.act(HAICHAU.officer, instance_id, "register",
              {"titles": again["data"]["titles"], "commitments": "Quý I: 60%; quý IV: 100%"})
    world.act(HAICHAU.head, instance_id, "unit_head_sign", {"decision": "approve"})
    world.act("lead_reviewer", instance_id, "acknowledge", {"decision": "acknowledge"})

    assert world.instance(instance_id)["status"] == "completed"
    world.session.expire_all()
    assert world.session.scalars(select(Timer).where(Timer.instance_id == instance_id)).all() == []
    shown = world.get(HAICHAU.officer, f"/api/v1/registrations/{registration['id']}")
    assert shown["status"] == "acknowledged"
    report = world.get("lead_reviewer", f"/api/v1/registrations/report?movement={MOVEMENT}&year=2027")
    assert "P_HAICHAU" not in [unit["code"] for unit in report["not_registered"]]
    assert "STC" in [unit["code"] for unit in report["not_registered"]]
