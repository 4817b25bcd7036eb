"""The lead agency's processing deadline counts working days and stops while the dossier waits for the
unit's supplements ("chờ bổ sung"), resuming on resubmission; the dossier shows days used and left, and
the history says when the clock stopped and started."""

from __future__ import annotations

from sqlalchemy import update

from service.db import utcnow
from service.models import Dossier
from service.nomination import config

from .conftest import HAICHAU, collective, walk_to_submission


def _backdate(world, dossier_id: int, working_days: int):
    """Make the running segment have begun `working_days` working days ago (as if time had passed)."""
    calendar = config.calendar(world.session)
    since = calendar.add_working_days(utcnow(), -working_days)
    world.session.execute(update(Dossier).where(Dossier.id == dossier_id).values(clock_running_since=since))
    world.session.commit()
    return calendar.working_days_between(since, utcnow())


def test_the_clock_stops_while_the_unit_supplements_and_resumes_with_the_days_used(world):
    world.open_round()
    rows = [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU")]
    dossier = walk_to_submission(world, HAICHAU, rows)
    instance_id = dossier["instance_id"]
    assert world.dossier(dossier["id"])["processing"]["state"] == "not_started"
    world.act(HAICHAU.officer, instance_id, "submit", {})
    shown = world.dossier(dossier["id"])["processing"]
    assert shown["state"] == "running" and shown["working_days_used"] == 0 and shown["due_on"]
    limit = shown["limit_working_days"]
    assert limit == 5  # the dated parameter dossier.review_working_days

    first = _backdate(world, dossier["id"], 2)
    world.act("lead_reviewer", instance_id, "lead_review",
              {"decision": "return", "return_reason": "Thiếu biên bản họp xét có chữ ký"})
    paused = world.dossier(dossier["id"])["processing"]
    assert paused == {"limit_working_days": limit, "working_days_used": first, "working_days_left": limit - first,
                      "state": "paused", "due_on": None}

    walk_to_submission(world, HAICHAU, [{**rows[0], "achievement_summary": "Đã bổ sung"}], dossier=dossier)
    world.act(HAICHAU.officer, instance_id, "submit", {})
    resumed = world.dossier(dossier["id"])["processing"]
    assert resumed["state"] == "running" and resumed["working_days_used"] == first  # the wait did not count

    second = _backdate(world, dossier["id"], 1)
    world.session.execute(update(Dossier).where(Dossier.id == dossier["id"]).values(clock_used_days=first))
    world.session.commit()
    running = world.dossier(dossier["id"])["processing"]
    assert running["working_days_used"] == first + second
    assert running["working_days_left"] == limit - first - second

    world.act("lead_reviewer", instance_id, "lead_review", {"decision": "accept"})
    finished = world.dossier(dossier["id"])["processing"]
    assert finished["state"] == "finished" and finished["working_days_used"] == first + second

    events = [event for event in world.history(instance_id) if event["action"].startswith("dossier.clock_")]
    assert [event["action"] for event in events] == [
        "dossier.clock_started", "dossier.clock_stopped", "dossier.clock_resumed", "dossier.clock_stopped"]
    assert events[1]["details"]["why"] == "waiting_for_supplements"
    assert events[1]["details"]["working_days_used"] == first
    assert events[3]["details"]["why"] == "accepted"
