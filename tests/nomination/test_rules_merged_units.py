"""A unit merged into a successor starts no new dossier under its old identity after the merger's date; its
users are told which unit to act for; the dossiers it made before keep the name they were made under."""

from __future__ import annotations

from datetime import timedelta

from service.models import OrgUnit
from service.nomination import config
from service.operations import admin

from .conftest import collective


def test_a_merged_commune_cannot_start_a_dossier_and_its_old_dossier_keeps_its_name(world, create_user):
    session = world.session
    admin.create_org_unit(session, actor=None, values={
        "code": "P_THACHTHANG", "name": "Ủy ban nhân dân phường Thạch Thang", "kind": "commune_peoples_committee",
        "parent_code": "UBND_DN", "abbreviation": "UBND"})
    session.commit()
    create_user("tt_officer", "P_THACHTHANG", ["unit_officer"])
    world.open_round()
    before = world.start_dossier("tt_officer")
    world.act("tt_officer", before["instance_id"], "draft",
              {"nominees": [collective("Ủy ban nhân dân phường Thạch Thang", subject="P_THACHTHANG")]})

    # The merger takes effect today: Thạch Thang joins Hải Châu, and the old row is renamed in the tree.
    old = session.query(OrgUnit).filter_by(code="P_THACHTHANG").one()
    old.valid_to = config.today()
    old.successor_id = session.query(OrgUnit).filter_by(code="P_HAICHAU").one().id
    old.name = "Ủy ban nhân dân phường Thạch Thang (đã sáp nhập)"
    session.commit()

    refused = world.post("tt_officer", "/api/v1/dossiers", {"round_id": world.round_id}, status=409)
    assert refused["error"]["code"] == "unit_merged"
    assert refused["error"]["details"]["successor_code"] == "P_HAICHAU"
    assert "Ủy ban nhân dân phường Hải Châu" in refused["error"]["message"]
    assert config.today().strftime("%d/%m/%Y") in refused["error"]["message"]
    assert world.dossier(before["id"])["unit_name"] == "Ủy ban nhân dân phường Thạch Thang"  # made before
    # The successor's own officer starts the dossier the merged commune's work now belongs to.
    assert world.start_dossier("hc_officer")["unit_name"] == "Ủy ban nhân dân phường Hải Châu"


def test_a_merger_dated_tomorrow_does_not_stop_today(world, create_user):
    session = world.session
    admin.create_org_unit(session, actor=None, values={
        "code": "P_BINHHIEN", "name": "Ủy ban nhân dân phường Bình Hiên", "kind": "commune_peoples_committee",
        "parent_code": "UBND_DN", "abbreviation": "UBND"})
    session.commit()
    create_user("bh_officer", "P_BINHHIEN", ["unit_officer"])
    unit = session.query(OrgUnit).filter_by(code="P_BINHHIEN").one()
    unit.valid_to = config.today() + timedelta(days=1)
    unit.successor_id = session.query(OrgUnit).filter_by(code="P_HAICHAU").one().id
    session.commit()
    world.open_round()
    assert world.start_dossier("bh_officer")["unit_name"] == "Ủy ban nhân dân phường Bình Hiên"
