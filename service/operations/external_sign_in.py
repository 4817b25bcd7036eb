"""Sign-in through the city's identity provider: the verified identity is matched to an existing, enabled
local user. Nobody is created here (least of all an administrator): roles and scopes are given by the
system administrator as for everyone else."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import AuthenticationFailed
from ..i18n import msg
from ..models import User
from . import audit

NOT_PROVISIONED = msg("Tài khoản một cửa này chưa được cấp quyền dùng hệ thống hoặc đã bị khóa. Đề nghị liên hệ "
                      "quản trị hệ thống.")


def sign_in_with_identity(session: Session, *, issuer: str, subject: str, value: str | None, match: str) -> User:
    """The enabled local user whose username (or e-mail, by `match`) equals the provider's claim `value`."""
    user = None
    if value:
        if match == "email":
            found = list(session.scalars(select(User).where(func.lower(User.email) == value.strip().lower())
                                         .limit(2)))
            # Two local users sharing an address cannot be told apart: neither is signed in.
            user = found[0] if len(found) == 1 else None
        else:
            user = session.scalar(select(User).where(User.username == value))
    if user is None or not user.active:
        audit.record(session, action="auth.external_refused", actor=None,
                     details={"method": "oidc", "issuer": issuer, "subject": subject, "claim": value,
                              "reason": "disabled" if user is not None else "unknown"})
        raise AuthenticationFailed(NOT_PROVISIONED)
    audit.record(session, action="auth.external_sign_in", actor=user.username,
                 details={"method": "oidc", "issuer": issuer, "subject": subject})
    return user
