"""The same person nominated twice in one round is flagged whatever identifiers each dossier carries: a
citizen ID in one and only name and birth date in the other still match; flagged, never awarded twice."""

from __future__ import annotations

from .conftest import STC, SYT, individual, submit_and_review
from .test_paths_round import close_and_consolidate


def test_an_id_in_one_dossier_and_name_with_birth_date_in_the_other_still_match(world):
    world.open_round(total_quota=10)
    with_id = individual("Nguyễn Văn An", key="CDS-2026-A") | {
        "identifier": "048085001234", "date_of_birth": "1985-03-02", "sex": "male"}
    without_id = individual("Nguyễn  văn AN", key="CDS-2026-B") | {"date_of_birth": "1985-03-02", "sex": "male"}
    other = individual("Nguyễn Văn An", key="CDS-2026-C") | {"date_of_birth": "1990-07-15"}  # a namesake
    submit_and_review(world, STC, [with_id])
    submit_and_review(world, SYT, [without_id, other])
    close_and_consolidate(world)
    rows = world.get("lead_reviewer", f"/api/v1/rounds/{world.round_id}/ranking")["items"]
    by_key = {row["nominee_id"]: row for row in rows}
    outcomes = sorted((row["name"], row["outcome"]) for row in rows)
    assert [outcome for _name, outcome in outcomes].count("duplicate") == 1
    assert [outcome for _name, outcome in outcomes].count("proposed_to_city") == 2  # the namesake is someone else
    flagged = next(row for row in by_key.values() if row["outcome"] == "duplicate")
    assert "họ tên và ngày sinh" in flagged["outcome_reason"]
    assert flagged["name"] in ("Nguyễn Văn An", "Nguyễn  văn AN")


def test_two_ids_match_even_when_the_names_are_written_differently(world):
    world.open_round(total_quota=10)
    submit_and_review(world, STC, [individual("Trần Thị Bình", key="K1") | {"identifier": "048190004321"}])
    submit_and_review(world, SYT, [individual("Trần Thị Bính", key="K2") | {"identifier": "048190004321"}])
    close_and_consolidate(world)
    rows = world.get("lead_reviewer", f"/api/v1/rounds/{world.round_id}/ranking")["items"]
    assert sorted(row["outcome"] for row in rows) == ["duplicate", "proposed_to_city"]
    assert "số định danh" in next(row for row in rows if row["outcome"] == "duplicate")["outcome_reason"]
