"""Messages posted from outside: delivered to every waiting instance whose correlation matches."""

from __future__ import annotations

from collections import deque

from sqlalchemy.orm import Session

from ..errors import NotFound, PermissionDenied
from ..i18n import msg
from ..models import User
from ..permissions import can_send_messages
from . import stepping


def send_message(session: Session, *, actor: User, name: str, correlation: dict, payload: dict) -> list[int]:
    """Deliver to the matching waiting instances in this transaction; NotFound when none waits."""
    if not can_send_messages(actor):
        raise PermissionDenied(msg("Không có quyền gửi thông điệp."))
    receivers = stepping.find_receivers(session, name, correlation)
    if not receivers:
        raise NotFound(msg("Không có hồ sơ nào chờ thông điệp này."))
    outbox: deque = deque()
    for instance_id in receivers:
        stepping.deliver(session, instance_id, name, correlation, payload, actor=actor, outbox=outbox)
    stepping.drain(session, outbox, actor)
    return receivers
