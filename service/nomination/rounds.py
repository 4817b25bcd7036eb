"""Award rounds: open (deadline, quotas, guidance; the lead agency resolved for the opening day), close,
and the read side. Opening starts the `award_round` process when it is deployed."""

from __future__ import annotations

from collections import deque
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..calendar.working_days import VIETNAM_TZ
from ..db import utcnow
from ..errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import AwardRound, Movement, OrgUnit, RoundQuota, User
from ..operations import audit, stepping
from . import config, movements, permissions, processes

NOT_FOUND = msg("Không tìm thấy đợt khen thưởng.")
ROUND_CLOSED = "round_closed"
ROUND_EXPIRED = (msg("Đợt khen thưởng đã hết hạn nhận hồ sơ hoặc đã đóng."))


def get_round(session: Session, round_id: int, *, for_update: bool = False) -> AwardRound:
    lock = for_update and session.get_bind().dialect.name == "postgresql"
    round_ = session.get(AwardRound, round_id, with_for_update=lock)
    if round_ is None:
        raise NotFound(NOT_FOUND)
    return round_


def list_rounds(session: Session, *, movement_code: str | None = None, year: int | None = None,
                status: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[AwardRound], int]:
    query = select(AwardRound)
    if movement_code:
        query = query.join(Movement, Movement.id == AwardRound.movement_id).where(Movement.code == movement_code)
    if year:
        query = query.where(AwardRound.year == year)
    if status:
        query = query.where(AwardRound.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AwardRound.year, AwardRound.kind, AwardRound.id).limit(limit).offset(offset))
    return list(rows), total


def accepts_dossiers(round_: AwardRound, now: datetime | None = None) -> bool:
    """Open, and its deadline (if any) not passed."""
    moment = now or utcnow()
    return round_.status == "open" and (round_.deadline is None or moment <= round_.deadline)


def require_accepting(round_: AwardRound, now: datetime | None = None) -> None:
    if not accepts_dossiers(round_, now):
        raise InvalidState(ROUND_EXPIRED, code="round_closed")


def default_deadline(session: Session, round_: AwardRound) -> datetime:
    rule = config.param(session, "round.submission_deadline", on=round_.opens_on)
    return processes.end_of_day(date(round_.year, int(rule["month"]), int(rule["day"])))


def _quota_rows(session: Session, quotas: list[dict]) -> list[tuple[OrgUnit, int]]:
    rows, unknown = [], []
    for item in quotas:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == item["org_unit_code"]))
        if unit is None:
            unknown.append(item["org_unit_code"])
        else:
            rows.append((unit, int(item["quota"])))
    if unknown:
        raise ValidationFailed(msg("Đơn vị không tồn tại."),
                               details={"fields": {"quotas": [f"Không có đơn vị: {', '.join(unknown)}"]}})
    return rows


def set_quotas(session: Session, round_: AwardRound, *, total_quota: int | None, quotas: list[dict]) -> None:
    round_.total_quota = total_quota
    round_.quotas.clear()
    session.flush()
    for unit, quota in _quota_rows(session, quotas):
        round_.quotas.append(RoundQuota(org_unit_id=unit.id, quota=quota))
    session.flush()


def open_round(session: Session, *, actor: User, round_id: int, values: dict) -> AwardRound:
    """Open a planned round: the lead agency of the opening day, deadline, quotas, guidance."""
    round_ = get_round(session, round_id, for_update=True)
    opens_on = values.get("opens_on") or config.today()
    lead = movements.lead_for(session, round_.movement, opens_on)
    if not permissions.can_manage_round(actor, lead.id):
        raise PermissionDenied(msg("Chỉ cơ quan chủ trì phong trào được mở đợt."))
    if round_.status != "planned":
        raise Conflict(msg("Đợt khen thưởng đã được mở."), code="round_not_planned")
    deadline = values.get("deadline")
    if deadline is not None and _vietnam_date(deadline) < opens_on:
        # A deadline before the opening day would close the round before any unit could submit.
        raise ValidationFailed(msg("Hạn nộp hồ sơ không được trước ngày mở đợt ({day}).", day=f"{opens_on:%d/%m/%Y}"),
                               details={"fields": {"deadline": [msg("Hạn nộp hồ sơ không được trước ngày mở đợt.")]}})
    round_.opens_on = opens_on
    round_.lead_org_unit_id = lead.id
    round_.deadline = deadline or default_deadline(session, round_)
    if values.get("award_form"):
        round_.award_form = values["award_form"]
    round_.guidance = values.get("guidance")
    set_quotas(session, round_, total_quota=values.get("total_quota"), quotas=values.get("quotas") or [])
    round_.status = "open"
    round_.opened_at = utcnow()
    session.flush()
    audit.record(session, action="round.opened", actor=actor.username,
                 details={"round": round_.code, "lead": lead.code, "deadline": round_.deadline.isoformat()})
    instance = processes.start_if_deployed(session, actor=actor, process_key=processes.AWARD_ROUND,
                                           org_unit_code=lead.code, data=instance_data(session, round_))
    round_.instance_id = instance.id if instance else None
    return round_


def update_quotas(session: Session, *, actor: User, round_id: int, total_quota: int | None,
                  quotas: list[dict]) -> AwardRound:
    round_ = get_round(session, round_id, for_update=True)
    if not permissions.can_manage_round(actor, round_.lead_org_unit_id):
        raise NotFound(NOT_FOUND)
    if round_.status not in ("planned", "open", "closed"):
        raise InvalidState(msg("Đợt đã tổng hợp; không đổi được chỉ tiêu."))
    set_quotas(session, round_, total_quota=total_quota, quotas=quotas)
    audit.record(session, action="round.quotas_set", actor=actor.username,
                 details={"round": round_.code, "total_quota": total_quota, "units": len(quotas)})
    return round_


def close_round(session: Session, *, actor: User | None, round_id: int, reason: str = "",
                notify: bool = False) -> AwardRound:
    """Stop accepting dossiers (early close by the lead agency, or the deadline).

    `notify`: deliver `round_closed` (correlation `round_id`) to the round's waiting instance in this
    transaction — the early close from outside; the diagram's own close step passes False.
    """
    round_ = get_round(session, round_id, for_update=True)
    if actor is not None and not permissions.can_manage_round(actor, round_.lead_org_unit_id):
        raise NotFound(NOT_FOUND)
    if round_.status == "closed":
        return round_
    if round_.status != "open":
        raise InvalidState(msg("Đợt khen thưởng không ở trạng thái đang mở."))
    round_.status = "closed"
    round_.closed_at = utcnow()
    audit.record(session, action="round.closed", actor=actor.username if actor else None,
                 details={"round": round_.code, "reason": reason})
    if notify:
        _deliver_round_closed(session, round_, actor)
    return round_


def _deliver_round_closed(session: Session, round_: AwardRound, actor: User | None) -> None:
    correlation = {"round_id": round_.id}
    outbox: deque = deque()
    for receiver in stepping.find_receivers(session, ROUND_CLOSED, correlation):
        stepping.deliver(session, receiver, ROUND_CLOSED, correlation, {"reason": ""}, actor=actor, outbox=outbox)
    stepping.drain(session, outbox, actor)


def instance_data(session: Session, round_: AwardRound) -> dict:
    """The `award_round` instance data fields (design contract)."""
    lead = round_.lead_org_unit
    return {
        "round_id": round_.id,
        "round_code": round_.code,
        "movement_code": round_.movement.code,
        "year": round_.year,
        "lead_org_unit_code": lead.code if lead else None,
        **processes.organisation_codes(session, on=round_.opens_on),
        "deadline": round_.deadline.isoformat() if round_.deadline else None,
        "public_notice_days": int(config.param(session, "public_notice.working_days", on=round_.opens_on)),
        "award_form": round_.award_form,
    }


def quota_map(round_: AwardRound) -> dict[int, int]:
    return {quota.org_unit_id: quota.quota for quota in round_.quotas}


def _vietnam_date(moment: datetime) -> date:
    """The calendar day of `moment` in Vietnam (a naive value is UTC, as the database keeps it)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM_TZ).date()
