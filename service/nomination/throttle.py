"""A sliding-window limit on public, unauthenticated actions, kept in the database so it holds across
every server worker and process."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import TooManyRequests
from ..i18n import msg
from ..models import RateLimitEvent


class RateLimited(TooManyRequests):
    """Too many requests from one client in the window (HTTP 429)."""

    code = "too_many_requests"


def client_key(address: str | None) -> str:
    """A stable, non-reversible key for a client address (the address itself is not stored)."""
    return hashlib.sha256((address or "unknown").encode()).hexdigest()


def hit(session: Session, *, bucket: str, client: str, max_requests: int, window_seconds: int,
        now: datetime | None = None) -> None:
    """Count this request, or raise RateLimited when the client already used its window."""
    moment = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        # Serialise the count-then-insert of one client; SQLite serialises writers already.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"{bucket}:{client}"})
    since = moment - timedelta(seconds=window_seconds)
    used = session.scalar(select(func.count()).select_from(RateLimitEvent).where(
        RateLimitEvent.bucket == bucket, RateLimitEvent.client_key == client, RateLimitEvent.at > since)) or 0
    if used >= max_requests:
        raise RateLimited(msg("Bạn đã gửi quá nhiều yêu cầu; hãy thử lại sau."),
                          details={"retry_after_seconds": window_seconds})
    session.add(RateLimitEvent(bucket=bucket, client_key=client, at=moment))
    # Old events are of no further use; trimming them here keeps the table small without a job.
    session.execute(delete(RateLimitEvent).where(RateLimitEvent.bucket == bucket,
                                                 RateLimitEvent.client_key == client, RateLimitEvent.at <= since))
    session.flush()
