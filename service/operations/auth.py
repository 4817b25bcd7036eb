"""Passwords (argon2) and signed, expiring bearer tokens."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..db import FastStatement, attach_loaded, utcnow
from ..errors import AuthenticationFailed, TooManyRequests, ValidationFailed
from ..i18n import Message, msg
from ..models import Role, SignInThrottle, User, user_roles
from . import audit

_hasher = PasswordHasher()
# Verifying against a real hash when the user is unknown keeps the timing the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
BAD_CREDENTIALS = msg("Tên đăng nhập hoặc mật khẩu không đúng.")
# Failed sign-ins for one username: free tries, then a growing wait before the next, then a lock.
FREE_FAILURES = 3
MAX_WAIT_SECONDS = 60
LOCK_AFTER_FAILURES = 10
LOCK_SECONDS = 15 * 60


class SignInThrottled(TooManyRequests):
    """Too many failed sign-ins for this username: wait before trying again (HTTP 429)."""

    code = "too_many_requests"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in(session: Session, *, username: str, password: str, now: datetime | None = None) -> User:
    """The user for these credentials, with failed attempts throttled per username (API and pages alike).

    A failure is recorded (flushed) before the error is raised: the caller commits it even though
    the request fails, or the throttle would forget every failure.
    """
    now = now or utcnow()
    key, throttle = _open_throttle(session, username, now, lambda wait: msg(
        "Đăng nhập sai nhiều lần; vui lòng thử lại sau {seconds} giây.", seconds=wait))
    try:
        user = authenticate(session, username=username, password=password)
    except AuthenticationFailed:
        _record_failure(session, key, throttle, now)
        raise
    if throttle is not None:
        session.delete(throttle)
        session.flush()
    return user


def _open_throttle(session: Session, username: str, now: datetime,
                   refusal: Callable[[int], Message]) -> tuple[str, SignInThrottle | None]:
    """The username's throttle key and row; SignInThrottled (with `refusal(seconds)`) while it must wait."""
    key = username.strip().lower()[:64]
    throttle = session.get(SignInThrottle, key)
    if throttle is not None and throttle.not_before is not None and now < throttle.not_before:
        wait = int((throttle.not_before - now).total_seconds()) + 1
        raise SignInThrottled(refusal(wait), details={"retry_after_seconds": wait})
    return key, throttle


def _record_failure(session: Session, key: str, throttle: SignInThrottle | None, now: datetime) -> None:
    if throttle is None:
        throttle = SignInThrottle(username=key, failures=0)
        session.add(throttle)
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= LOCK_AFTER_FAILURES:
        throttle.not_before = now + timedelta(seconds=LOCK_SECONDS)
        audit.record(session, action="auth.locked", actor=None,
                     details={"username": key, "failures": throttle.failures, "seconds": LOCK_SECONDS})
    elif throttle.failures > FREE_FAILURES:
        wait = min(2 ** (throttle.failures - FREE_FAILURES), MAX_WAIT_SECONDS)
        throttle.not_before = now + timedelta(seconds=wait)
    session.flush()


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The active user with these credentials, else AuthenticationFailed (same message either way)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        raise AuthenticationFailed(BAD_CREDENTIALS)
    if not verify_password(user.password_hash, password):
        raise AuthenticationFailed(BAD_CREDENTIALS)
    return user


class TokenSigner:
    # Tokens whose signature was checked, with what they carry: a client sends the same token on
    # every request, and checking the HMAC again each time costs more than the rest of auth.
    MAX_VERIFIED = 8192

    def __init__(self, secret_key: str, max_age: int):
        self._serializer = URLSafeTimedSerializer(secret_key, salt="vinhdanh-api-token")
        self.max_age = max_age
        self.principals = PrincipalCache()
        self._verified: dict[str, tuple[object, object, int]] = {}

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"uid": user.id, "gen": user.token_generation})

    def user_for(self, session: Session, token: str) -> User:
        uid, generation = self._claims(token)
        user = self.principals.load(session, uid)
        if user is None or not user.active or user.token_generation != generation:
            raise AuthenticationFailed(msg("Mã truy cập không hợp lệ."))
        return user

    def _claims(self, token: str) -> tuple[object, object]:
        """(uid, generation) of a valid, unexpired token; AuthenticationFailed otherwise."""
        verified = self._verified.get(token)
        # The age rule is itsdangerous's own (whole seconds; a time stamp in the future is refused).
        if verified is not None and 0 <= int(time.time()) - verified[2] <= self.max_age:
            return verified[0], verified[1]
        try:
            payload, issued = self._serializer.loads(token, max_age=self.max_age, return_timestamp=True)
        except SignatureExpired:
            self._verified.pop(token, None)
            raise AuthenticationFailed(msg("Phiên đăng nhập đã hết hạn.")) from None
        except BadSignature:
            raise AuthenticationFailed(msg("Mã truy cập không hợp lệ.")) from None
        if not isinstance(payload, dict):
            raise AuthenticationFailed(msg("Mã truy cập không hợp lệ."))
        if len(self._verified) >= self.MAX_VERIFIED:
            self._verified.clear()
        claims = (payload.get("uid"), payload.get("gen"), int(issued.timestamp()))
        self._verified[token] = claims
        return claims[0], claims[1]


_users, _roles = User.__table__, Role.__table__
_ROLE_COLUMNS = [column.label(f"role_{column.key}") for column in _roles.columns]
# The user's row and each of its roles' rows: everything the User object of a request carries.
_PRINCIPAL = (
    select(_users, *_ROLE_COLUMNS)
    .select_from(_users.outerjoin(user_roles, user_roles.c.user_id == _users.c.id)
                 .outerjoin(_roles, _roles.c.id == user_roles.c.role_id))
    .where(_users.c.id == bindparam("uid"))
    .order_by(_roles.c.id)
)
_PRINCIPAL_ROWS = FastStatement(_PRINCIPAL)


class PrincipalCache:
    """Authenticated users, read with one plain query per request and built without the ORM's loader.

    Every authenticated request needs its user and roles. The rows are read fresh each time, so a
    disabled user, a new password or a changed role counts at once; they are turned into column
    values once per distinct set of rows, and each request attaches a User and its Roles made from
    those values to its session (`attach_loaded`: as a query would have loaded them, no SQL).
    Copying a cached object in with `session.merge` cost twice as much: the merge walks every
    relationship of each object.
    """

    MAX_ENTRIES = 4096

    def __init__(self) -> None:
        self._built: dict[int, tuple[tuple, dict, list[dict]]] = {}

    def load(self, session: Session, user_id) -> User | None:
        if not isinstance(user_id, int):
            return None
        rows = tuple(_PRINCIPAL_ROWS.rows(session.connection(), {"uid": user_id}))
        if not rows:
            return None
        built = self._built.get(user_id)
        if built is None or built[0] != rows:
            if len(self._built) >= self.MAX_ENTRIES:
                self._built.clear()
            built = (rows, *_principal_values(rows))
            self._built[user_id] = built
        user = attach_loaded(session, User, built[1])
        if "roles" not in user.__dict__:  # the session's own User keeps the roles it has loaded
            set_committed_value(user, "roles", [attach_loaded(session, Role, values) for values in built[2]])
        return user


def _principal_values(rows: tuple[tuple, ...]) -> tuple[dict, list[dict]]:
    """The User's column values and each of its Roles', from the principal query's rows."""
    width = len(_users.columns)
    user = {column.key: value for column, value in zip(_users.columns, rows[0][:width], strict=True)}
    roles = [{column.key: value for column, value in zip(_roles.columns, row[width:], strict=True)}
             for row in rows if row[width] is not None]
    return user, roles


MIN_PASSWORD_LENGTH = 10


def change_password(session: Session, *, actor: User, current: str, new: str, confirm: str | None = None,
                    now: datetime | None = None) -> User:
    """Set the actor's own password after checking the current one; every earlier token and session ends.

    `confirm` is the new password typed again, where the front end asks for it (the pages; the API does not).
    A wrong current password counts towards the username's sign-in throttle, as a failed sign-in does (a
    stolen session or token must not become a way to guess the password): the failure is flushed before
    ValidationFailed is raised, and the caller commits it although the request fails.
    """
    now = now or utcnow()
    key, throttle = _open_throttle(session, actor.username, now, lambda wait: msg(
        "Nhập sai mật khẩu nhiều lần; vui lòng thử lại sau {seconds} giây.", seconds=wait))
    errors: dict[str, list[str]] = {}
    current_ok = verify_password(actor.password_hash, current)
    if not current_ok:
        errors["current_password"] = [msg("Mật khẩu hiện tại không đúng.")]
    if len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = [msg("Mật khẩu mới phải có ít nhất {count} ký tự.", count=MIN_PASSWORD_LENGTH)]
    elif new == current:
        errors["new_password"] = [msg("Mật khẩu mới phải khác mật khẩu hiện tại.")]
    if confirm is not None and new != confirm:
        errors["confirm_password"] = [msg("Mật khẩu nhập lại không khớp.")]
    if errors:
        if not current_ok:
            _record_failure(session, key, throttle, now)
        raise ValidationFailed(msg("Chưa đổi được mật khẩu."), details={"fields": errors})
    if throttle is not None:  # the current password was right: earlier failures are forgiven, as at sign-in
        session.delete(throttle)
    actor.password_hash = hash_password(new)
    actor.token_generation += 1
    details: dict = {"username": actor.username}
    if actor.password_must_change:  # the temporary password an administrator set is gone
        actor.password_must_change = False
        details["replaced_temporary"] = True
    audit.record(session, action="user.password_changed", actor=actor.username, details=details)
    session.flush()
    return actor
