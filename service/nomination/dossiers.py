"""Unit dossiers: draft with typed nominees, submit to the round (unit name kept as it was), return with a
reason, accept. Creating one starts the `unit_nomination` process when it is deployed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import AwardRound, Dossier, Nominee, OrgUnit, User
from ..notifications import events as notifications
from ..operations import audit
from . import clock, config, permissions, processes, rounds, step_mirror
from . import nominees as nominee_values

NOT_FOUND = msg("Không tìm thấy hồ sơ đề nghị.")
NOMINEE_NOT_FOUND = msg("Không tìm thấy người/tập thể được đề nghị.")
RETURNABLE = ("submitted",)


def _actor_name(actor: User | None) -> str | None:
    return actor.username if actor else None


def get_dossier(session: Session, *, actor: User | None, dossier_id: int, for_update: bool = False) -> Dossier:
    """The dossier if the actor may see it (None: inside an engine step); NotFound otherwise."""
    lock = for_update and session.get_bind().dialect.name == "postgresql"
    dossier = session.get(Dossier, dossier_id, with_for_update=lock)
    if dossier is None or (actor is not None and not permissions.can_see_dossier(session, actor, dossier)):
        raise NotFound(NOT_FOUND)
    return dossier


def list_dossiers(session: Session, *, actor: User, round_id: int | None = None, status: str | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[list[Dossier], int]:
    query = (select(Dossier).join(AwardRound, AwardRound.id == Dossier.round_id)
             .where(permissions.visible_dossiers_filter(session, actor)))
    if round_id is not None:
        query = query.where(Dossier.round_id == round_id)
    if status:
        query = query.where(Dossier.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Dossier.id).limit(limit).offset(offset))
    return list(rows), total


def create_dossier(session: Session, *, actor: User, round_id: int, org_unit_code: str | None = None) -> Dossier:
    """Start the actor's unit's dossier for an open round (one per unit and round)."""
    round_ = rounds.get_round(session, round_id)
    unit = actor.org_unit if not org_unit_code else session.scalar(select(OrgUnit).where(OrgUnit.code == org_unit_code))
    if unit is None or not permissions.can_start_dossier(actor, unit.id):
        raise PermissionDenied(msg("Chỉ cán bộ thi đua của đơn vị được lập hồ sơ."))
    _require_current_unit(session, unit)
    rounds.require_accepting(round_)
    if session.scalar(select(Dossier.id).where(Dossier.round_id == round_.id, Dossier.org_unit_id == unit.id)):
        raise Conflict(msg("Đơn vị đã có hồ sơ trong đợt này."),
                       code="duplicate")
    dossier = Dossier(round_id=round_.id, org_unit_id=unit.id, unit_name=unit.name, unit_kind=unit.kind,
                      status="draft", created_by_id=actor.id, return_count=0)
    session.add(dossier)
    session.flush()
    audit.record(session, action="dossier.created", actor=actor.username,
                 details={"dossier_id": dossier.id, "round": round_.code, "org_unit_code": unit.code})
    instance = processes.start_if_deployed(session, actor=actor, process_key=processes.UNIT_NOMINATION,
                                           org_unit_code=unit.code, data=instance_data(session, dossier))
    dossier.instance_id = instance.id if instance else None
    return dossier


def _require_current_unit(session: Session, unit: OrgUnit) -> None:
    """A unit merged into a successor (or dissolved) starts nothing under its old identity after that date.

    Its earlier dossiers keep the name they were made under (`Dossier.unit_name`); new ones are the
    successor's, so the user is told which unit to act for.
    """
    day = config.today()
    if unit.is_valid_on(day):
        return
    successor = session.get(OrgUnit, unit.successor_id) if unit.successor_id else None
    if successor is not None and unit.valid_to is not None:
        raise InvalidState(msg("{unit} đã được sáp nhập vào {successor} từ ngày {day:%d/%m/%Y}. Hồ sơ mới phải lập "
                               "dưới tên {successor}; đề nghị quản trị hệ thống chuyển tài khoản của bạn sang đơn "
                               "vị này.", unit=unit.name, successor=successor.name, day=unit.valid_to),
                           code="unit_merged", details={"successor_code": successor.code})
    raise InvalidState(msg("{unit} không còn hoạt động vào ngày {day:%d/%m/%Y}; không thể lập hồ sơ mới.",
                           unit=unit.name, day=day), code="unit_inactive")


def instance_data(session: Session, dossier: Dossier) -> dict:
    """The `unit_nomination` instance data fields (design contract)."""
    round_, unit = dossier.round, dossier.org_unit
    parent = unit.parent
    lead = round_.lead_org_unit
    codes = processes.organisation_codes(session, on=round_.opens_on)
    return {
        "dossier_id": dossier.id,
        "round_id": round_.id,
        "round_code": round_.code,
        "unit_org_unit_code": unit.code,
        "unit_kind": unit.kind,
        "parent_org_unit_code": parent.code if parent else None,
        "parent_confirms_reports": bool(parent is not None and unit.parent_confirms_reports),
        "lead_org_unit_code": lead.code if lead else None,
        "home_affairs_org_unit_code": codes["home_affairs_org_unit_code"],
        "ec_office_org_unit_code": codes["ec_office_org_unit_code"],
        "deadline": round_.deadline.isoformat() if round_.deadline else None,
        "is_enterprise": unit.kind == "enterprise",
    }


def editable_dossier(session: Session, actor: User | None, dossier_id: int) -> Dossier:
    dossier = get_dossier(session, actor=actor, dossier_id=dossier_id, for_update=True)
    if actor is not None and not permissions.can_edit_dossier(actor, dossier):
        if dossier.status not in ("draft", "returned"):
            raise InvalidState(msg("Hồ sơ đã nộp; không sửa được."))
        raise PermissionDenied(msg("Chỉ cán bộ thi đua của đơn vị được sửa hồ sơ."))
    if dossier.status not in ("draft", "returned"):
        raise InvalidState(msg("Hồ sơ đã nộp; không sửa được."))
    return dossier


def _nominee(dossier: Dossier, nominee_id: int) -> Nominee:
    found = next((n for n in dossier.nominees if n.id == nominee_id), None)
    if found is None:
        raise NotFound(NOMINEE_NOT_FOUND)
    return found


def _audit_nominee(session: Session, action: str, actor: User | None, dossier: Dossier, nominee: Nominee,
                   changed: list[str] | None = None) -> None:
    details = {"dossier_id": dossier.id, "nominee_id": nominee.id, "kind": nominee.kind, "name": nominee.name}
    if changed is not None:
        details["fields"] = sorted(changed)
    audit.record(session, action=action, actor=_actor_name(actor), instance_id=dossier.instance_id, details=details)


def add_nominee(session: Session, *, actor: User | None, dossier_id: int, values: dict[str, Any]) -> Nominee:
    dossier = editable_dossier(session, actor, dossier_id)
    nominee = nominee_values.new_nominee(session, dossier, values)
    dossier.updated_at = utcnow()
    _audit_nominee(session, "nominee.added", actor, dossier, nominee)
    step_mirror.mirror(session, actor, dossier)
    return nominee


def update_nominee(session: Session, *, actor: User | None, dossier_id: int, nominee_id: int,
                   values: dict[str, Any]) -> Nominee:
    dossier = editable_dossier(session, actor, dossier_id)
    nominee = nominee_values.apply_values(session, _nominee(dossier, nominee_id), dossier, values)
    dossier.updated_at = utcnow()
    session.flush()
    _audit_nominee(session, "nominee.updated", actor, dossier, nominee, changed=list(values))
    step_mirror.mirror(session, actor, dossier)
    return nominee


def remove_nominee(session: Session, *, actor: User | None, dossier_id: int, nominee_id: int) -> None:
    dossier = editable_dossier(session, actor, dossier_id)
    nominee = _nominee(dossier, nominee_id)
    _audit_nominee(session, "nominee.removed", actor, dossier, nominee)
    dossier.nominees.remove(nominee)
    dossier.updated_at = utcnow()
    session.flush()
    step_mirror.mirror(session, actor, dossier)


def replace_nominees(session: Session, *, actor: User | None, dossier_id: int,
                     items: list[dict[str, Any]]) -> list[Nominee]:
    """Make the dossier's nominees equal to `items` (with `id`: update; without: add; missing: remove)."""
    dossier = editable_dossier(session, actor, dossier_id)
    keep: list[Nominee] = []
    for item in items:
        values = {key: value for key, value in item.items() if key not in ("id", "nominee_id")}
        # A step's form carries the row's `nominee_id` (the web form has no `id`): the same row either way.
        # A form that keeps no id at all (the steps' forms make it read-only, so it is not sent back) names
        # the row by its type and name: the row, its clearances and its history stay.
        known = item.get("id") or item.get("nominee_id")
        row = next((n for n in dossier.nominees if n.id == int(known)), None) if known else None
        if row is None:
            row = _same_row(dossier, keep, values)
        if row is not None:
            keep.append(nominee_values.apply_values(session, row, dossier, values))
        else:
            _require(values, ("kind", "name"))
            keep.append(nominee_values.new_nominee(session, dossier, values))
    for nominee in list(dossier.nominees):
        if nominee not in keep:
            dossier.nominees.remove(nominee)
    dossier.updated_at = utcnow()
    session.flush()
    return keep


def _same_row(dossier: Dossier, taken: list[Nominee], values: dict[str, Any]) -> Nominee | None:
    """The one row not yet matched with the same type and name (and birth date, when both have one)."""
    if not values.get("kind") or not values.get("name"):
        return None
    name = nominee_values.normalise_name(values["name"])
    born = values.get("date_of_birth")
    found = [n for n in dossier.nominees if n not in taken and n.kind == values["kind"]
             and nominee_values.normalise_name(n.name) == name
             and (born is None or n.date_of_birth is None or n.date_of_birth == born)]
    return found[0] if len(found) == 1 else None


def _require(values: dict, fields: tuple[str, ...]) -> None:
    missing = {field: [msg("Giá trị bắt buộc.")] for field in fields if not values.get(field)}
    if missing:
        raise ValidationFailed(msg("Thiếu thông tin người được đề nghị."),
                               details={"fields": missing})


def submit_dossier(session: Session, *, actor: User | None, dossier_id: int, now: datetime | None = None) -> Dossier:
    """Submit to the round while it accepts dossiers; the unit's name is kept as it is today."""
    dossier = get_dossier(session, actor=actor, dossier_id=dossier_id, for_update=True)
    if actor is not None and not permissions.can_edit_dossier(actor, dossier) and \
            "unit_head" not in actor.role_keys():
        raise PermissionDenied(msg("Không được nộp hồ sơ này."))
    if dossier.status not in ("draft", "returned"):
        raise InvalidState(msg("Hồ sơ đã được nộp."), code="already_submitted")
    rounds.require_accepting(dossier.round, now)
    active = [n for n in dossier.nominees if n.outcome not in ("dropped_by_council",)]
    if not active:
        raise InvalidState(msg("Hồ sơ chưa có người/tập thể được đề nghị."),
                           code="no_nominees")
    moment = now or utcnow()
    unit = dossier.org_unit
    dossier.unit_name, dossier.unit_kind = unit.name, unit.kind
    for nominee in dossier.nominees:
        nominee.submitted_at = moment
        nominee.unit_name = nominee.unit_name or unit.name
    dossier.status = "submitted"
    dossier.submitted_at = moment
    dossier.updated_at = moment
    session.flush()
    audit.record(session, action="dossier.submitted", actor=_actor_name(actor), instance_id=dossier.instance_id,
                 details={"dossier_id": dossier.id, "nominees": len(active)})
    clock.start(session, dossier, actor=_actor_name(actor), now=moment)
    return dossier


def return_dossier(session: Session, *, actor: User | None, dossier_id: int, reason: str,
                   mode: str = "return") -> Dossier:
    """Back to the unit with the reason, resubmittable until the deadline; or (`mode="reject"`) refused for
    good: status `rejected`, every nominee `ineligible` with the reason."""
    if not (reason or "").strip():
        raise ValidationFailed(msg("Cần nêu lý do trả lại."),
                               details={"fields": {"return_reason": [msg("Giá trị bắt buộc.")]}})
    dossier = get_dossier(session, actor=None, dossier_id=dossier_id, for_update=True)
    if actor is not None and not permissions.can_manage_round(actor, dossier.round.lead_org_unit_id):
        raise NotFound(NOT_FOUND)
    if dossier.status not in RETURNABLE:
        raise InvalidState(msg("Chỉ trả lại được hồ sơ đã nộp."))
    if mode not in ("return", "reject"):
        raise ValidationFailed(msg("Chế độ trả lại không hợp lệ."),
                               details={"fields": {"mode": ["return | reject"]}})
    dossier.status = "returned" if mode == "return" else "rejected"
    dossier.return_reason = reason.strip()
    dossier.returned_at = utcnow()
    dossier.return_count += 1
    for nominee in dossier.nominees:
        if mode == "reject" and nominee.outcome != "dropped_by_council":
            nominee.outcome, nominee.outcome_reason = "ineligible", dossier.return_reason
        elif nominee.outcome in ("eligible", "ineligible", "held"):
            nominee.outcome = "proposed"
    audit.record(session, action=f"dossier.{'returned' if mode == 'return' else 'rejected'}",
                 actor=_actor_name(actor), instance_id=dossier.instance_id,
                 details={"dossier_id": dossier.id, "reason": dossier.return_reason})
    clock.stop(session, dossier, actor=_actor_name(actor), now=dossier.returned_at,
               why="waiting_for_supplements" if mode == "return" else "rejected")
    notifications.dossier_event(session, dossier, f"dossier_{dossier.status}",
                                {"reason": dossier.return_reason, "unit_name": dossier.unit_name},
                                now=dossier.returned_at, dedupe=str(dossier.return_count))
    return dossier


def accept_dossier(session: Session, *, actor: User | None, dossier_id: int) -> Dossier:
    """The lead agency accepts the dossier: its eligible nominees go on to consolidation."""
    dossier = get_dossier(session, actor=None, dossier_id=dossier_id, for_update=True)
    if actor is not None and not permissions.can_manage_round(actor, dossier.round.lead_org_unit_id):
        raise NotFound(NOT_FOUND)
    if dossier.status != "submitted":
        raise InvalidState(msg("Chỉ tiếp nhận được hồ sơ đã nộp."))
    dossier.status = "accepted"
    dossier.accepted_at = utcnow()
    for nominee in dossier.nominees:
        if nominee.outcome == "eligible" or (nominee.outcome == "proposed" and nominee.eligible):
            nominee.outcome = "accepted"
    audit.record(session, action="dossier.accepted", actor=_actor_name(actor), instance_id=dossier.instance_id,
                 details={"dossier_id": dossier.id})
    clock.stop(session, dossier, actor=_actor_name(actor), now=dossier.accepted_at, why="accepted")
    return dossier


HOLD_BLOCKS = ("proposed", "eligible", "accepted", "ranked", "proposed_to_city", "approved")


def set_hold(session: Session, *, actor: User, dossier_id: int, nominee_id: int, on_hold: bool,
             reason: str | None) -> Nominee:
    """Place or lift a hold (discipline, inspection, complaint: NĐ 152 Art. 4) at any stage before the award.

    The unit, the round's lead agency and Home Affairs may do it; a held nominee is `held` with the reason,
    and goes back to `proposed` (to be judged again) when the hold is lifted.
    """
    dossier = get_dossier(session, actor=actor, dossier_id=dossier_id, for_update=True)
    allowed = ((permissions.UNIT_ROLES & actor.role_keys() and actor.org_unit_id == dossier.org_unit_id)
               or permissions.can_manage_round(actor, dossier.round.lead_org_unit_id)
               or permissions.is_home_affairs(session, actor))
    if not allowed:
        raise PermissionDenied(msg("Không được tạm dừng xét người này."))
    nominee = _nominee(dossier, nominee_id)
    if on_hold and not (reason or "").strip():
        raise ValidationFailed(msg("Cần nêu lý do tạm dừng xét."),
                               details={"fields": {"hold_reason": [msg("Giá trị bắt buộc.")]}})
    nominee.on_hold = on_hold
    if on_hold:
        nominee.hold_reason = reason.strip()
        if nominee.outcome in HOLD_BLOCKS:
            nominee.outcome, nominee.outcome_reason = "held", nominee.hold_reason
    elif nominee.outcome == "held":
        nominee.outcome, nominee.outcome_reason = "proposed", None
    nominee.updated_at = utcnow()
    session.flush()
    audit.record(session, action="nominee.hold_placed" if on_hold else "nominee.hold_lifted", actor=actor.username,
                 instance_id=dossier.instance_id,
                 details={"dossier_id": dossier.id, "nominee_id": nominee.id, "reason": nominee.hold_reason})
    return nominee


def round_nominees(session: Session, *, round_id: int, outcome: str | None = None) -> list[Nominee]:
    """Nominees of the round's submitted dossiers, with outcome and reason."""
    query = (select(Nominee).join(Dossier, Dossier.id == Nominee.dossier_id)
             .where(Nominee.round_id == round_id, Dossier.status != "draft"))
    if outcome:
        query = query.where(Nominee.outcome == outcome)
    return list(session.scalars(query.order_by(Nominee.rank.is_(None), Nominee.rank, Nominee.id)))
