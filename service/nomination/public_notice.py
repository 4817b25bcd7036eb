"""Public disclosure of a round's proposed list and comments from the public (no login; DOMAIN B1.9).

A comment flags the nominee for Home Affairs, who check it before the Chairman decides.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..calendar.working_days import VIETNAM_TZ
from ..db import utcnow
from ..engine.timing import parse_due
from ..errors import InvalidState, NotFound, ValidationFailed
from ..i18n import msg
from ..models import AwardRound, Nominee, PublicComment, PublicNotice
from ..operations import audit
from . import config, processes, rounds, throttle

LISTED_OUTCOMES = ("proposed_to_city",)
EXCERPT_LENGTH = 200
COMMENT_BUCKET = "public_comment"


def open_notice(session: Session, *, round_id: int, now: datetime | None = None) -> PublicNotice:
    """Publish the round's proposed list for the configured number of working days (once per round)."""
    round_ = rounds.get_round(session, round_id)
    existing = session.scalar(select(PublicNotice).where(PublicNotice.round_id == round_.id))
    if existing is not None:
        return existing
    moment = now or utcnow()
    notice = PublicNotice(round_id=round_.id, title=f"Lấy ý kiến: {round_.name} – {round_.movement.name}",
                          opened_at=moment, closes_at=closing_time(session, round_, moment), status="open")
    session.add(notice)
    session.flush()
    audit.record(session, action="public_notice.opened", actor=None,
                 details={"round": round_.code, "closes_at": notice.closes_at.isoformat()})
    return notice


def closing_time(session: Session, round_: AwardRound, opened_at: datetime) -> datetime:
    """The end of the last working day of the window; a dated `public_notice.duration` (ISO 8601, e.g. for a
    demo or a rehearsal) replaces the working-day count while it is in force."""
    duration = config.param(session, "public_notice.duration", on=config.today(), default=None)
    if duration:
        return parse_due(str(duration), {}, opened_at)
    days = config.working_days_param(session, "public_notice.working_days", on=round_.opens_on)
    last_day = config.calendar(session).add_working_days(opened_at, days)
    return processes.end_of_day(last_day.astimezone(VIETNAM_TZ).date())


def is_open(notice: PublicNotice, now: datetime | None = None) -> bool:
    return notice.status == "open" and (now or utcnow()) <= notice.closes_at


def list_open(session: Session, *, now: datetime | None = None) -> list[PublicNotice]:
    moment = now or utcnow()
    return list(session.scalars(select(PublicNotice).where(PublicNotice.status == "open",
                                                           PublicNotice.closes_at >= moment)
                                .order_by(PublicNotice.closes_at)))


def listed_nominees(session: Session, notice: PublicNotice) -> list[Nominee]:
    return list(session.scalars(select(Nominee).where(Nominee.round_id == notice.round_id,
                                                      Nominee.outcome.in_(LISTED_OUTCOMES))
                                .order_by(Nominee.rank, Nominee.id)))


def get_open_notice(session: Session, notice_id: int, now: datetime | None = None) -> PublicNotice:
    notice = session.get(PublicNotice, notice_id)
    if notice is None or not is_open(notice, now):
        raise NotFound(msg("Không có đợt lấy ý kiến này hoặc đã kết thúc."))
    return notice


def submit_comment(session: Session, *, notice_id: int, values: dict, client_address: str | None,
                   now: datetime | None = None) -> PublicComment:
    """Store a public comment on a listed nominee, within the client's rate limit and the length limit."""
    moment = now or utcnow()
    notice = get_open_notice(session, notice_id, moment)
    on = notice.round.opens_on
    limit = config.param(session, "public_comment.rate_limit", on=on)
    client = throttle.client_key(client_address)
    throttle.hit(session, bucket=COMMENT_BUCKET, client=client, max_requests=int(limit["max_requests"]),
                 window_seconds=int(limit["window_seconds"]), now=moment)
    max_length = int(config.param(session, "public_comment.max_length", on=on))
    content = (values.get("content") or "").strip()
    if not content or len(content) > max_length:
        raise ValidationFailed(msg("Nội dung góp ý không hợp lệ."), details={"fields": {
            "content": [msg("Từ 1 đến {max_length} ký tự.", max_length=max_length)]}})
    nominee = session.get(Nominee, int(values["nominee_id"]))
    if nominee is None or nominee.round_id != notice.round_id or nominee.outcome not in LISTED_OUTCOMES:
        raise ValidationFailed(msg("Người/tập thể không có trong danh sách lấy ý kiến."),
                               details={"fields": {"nominee_id": [msg("Không có trong danh sách.")]}})
    comment = PublicComment(notice_id=notice.id, nominee_id=nominee.id, author_name=values["author_name"].strip(),
                            contact=(values.get("contact") or "").strip() or None, content=content,
                            client_key=client, created_at=moment)
    session.add(comment)
    nominee.public_comment_flag = True
    session.flush()
    audit.record(session, action="public_comment.received", actor=None,
                 details={"notice_id": notice.id, "nominee_id": nominee.id, "comment_id": comment.id})
    return comment


def close_notice(session: Session, *, round_id: int) -> list[dict]:
    """Close the notice; returns the commented nominees with their comment count and the latest excerpt."""
    notice = session.scalar(select(PublicNotice).where(PublicNotice.round_id == round_id))
    if notice is None:
        raise InvalidState(msg("Đợt chưa công khai danh sách."))
    notice.status = "closed"
    session.flush()
    flagged: dict[int, dict] = {}
    for comment in comments_for_round(session, round_id):
        entry = flagged.setdefault(comment.nominee_id, {
            "nominee_id": comment.nominee_id, "name": session.get(Nominee, comment.nominee_id).name,
            "comment_count": 0, "excerpt": ""})
        entry["comment_count"] += 1
        entry["excerpt"] = comment.content[:EXCERPT_LENGTH]
    return list(flagged.values())


def comments_for_round(session: Session, round_id: int) -> list[PublicComment]:
    return list(session.scalars(select(PublicComment).join(PublicNotice)
                                .where(PublicNotice.round_id == round_id).order_by(PublicComment.id)))
