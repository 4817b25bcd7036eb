"""Moderation of the public's comments by Home Affairs' emulation–commendation office.

A comment arrives `new` and is shown to nobody outside the offices until it is published; a hidden one
stays in the record (and still flags its nominee for appraisal). An answer is shown with the comment once
published. Every action is audited; what the public typed is stored as typed and escaped when shown.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..db import utcnow
from ..errors import NotFound, ValidationFailed
from ..i18n import msg
from ..models import PublicComment, PublicNotice, User
from ..operations import audit
from . import permissions

ACTIONS = ("publish", "hide", "answer")
MAX_ANSWER = 5000
NOT_FOUND = msg("Không tìm thấy ý kiến.")


def _require(session: Session, actor: User) -> None:
    if not permissions.can_moderate_comments(session, actor):
        raise NotFound(NOT_FOUND)


def queue(session: Session, *, actor: User, status: str = "new", limit: int = 200) -> tuple[list[PublicComment], dict]:
    """Comments of one status (oldest first, so none waits forever) and the count of each status."""
    _require(session, actor)
    rows = list(session.scalars(select(PublicComment).where(PublicComment.status == status)
                                .options(joinedload(PublicComment.nominee))
                                .order_by(PublicComment.created_at, PublicComment.id).limit(limit)))
    counts = dict(session.execute(select(PublicComment.status, func.count()).group_by(PublicComment.status)).all())
    return rows, counts


def moderate(session: Session, *, actor: User, comment_id: int, action: str, answer: str | None = None
             ) -> PublicComment:
    """Publish, hide, or answer one comment."""
    _require(session, actor)
    comment = session.get(PublicComment, comment_id)
    if comment is None:
        raise NotFound(NOT_FOUND)
    if action not in ACTIONS:
        raise ValidationFailed(msg("Thao tác không hợp lệ."), details={"fields": {"action": list(ACTIONS)}})
    details = {"comment_id": comment.id, "notice_id": comment.notice_id, "nominee_id": comment.nominee_id,
               "from": comment.status}
    if action == "answer":
        text = (answer or "").strip()
        if not text or len(text) > MAX_ANSWER:
            message = msg("Nội dung trả lời từ 1 đến {n} ký tự.", n=MAX_ANSWER)
            raise ValidationFailed(message, details={"fields": {"answer": [message]}})
        comment.answer = text
        details["answer"] = text
    else:
        comment.status = "published" if action == "publish" else "hidden"
        details["to"] = comment.status
    comment.moderated_by_id, comment.moderated_at = actor.id, utcnow()
    session.flush()
    action_name = {"publish": "published", "hide": "hidden", "answer": "answered"}[action]
    audit.record(session, action=f"public_comment.{action_name}", actor=actor.username, details=details)
    return comment


def published(session: Session, notice: PublicNotice) -> list[PublicComment]:
    """What the public page shows: the notice's published comments, oldest first."""
    return list(session.scalars(select(PublicComment).where(PublicComment.notice_id == notice.id,
                                                            PublicComment.status == "published")
                                .options(joinedload(PublicComment.nominee))
                                .order_by(PublicComment.created_at, PublicComment.id)))
