"""Passwords (argon2) and signed, expiring bearer tokens."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, make_transient_to_detached

from ..errors import AuthenticationFailed
from ..models import Role, User, user_roles

_hasher = PasswordHasher()
# Verifying against a real hash when the user is unknown keeps the timing the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng. / Invalid username or password."


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


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
    def __init__(self, secret_key: str, max_age: int):
        self._serializer = URLSafeTimedSerializer(secret_key, salt="vinhdanh-api-token")
        self.max_age = max_age
        self._principals = PrincipalCache()

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"uid": user.id, "gen": user.token_generation})

    def user_for(self, session: Session, token: str) -> User:
        try:
            payload = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise AuthenticationFailed("Phiên đăng nhập đã hết hạn. / Token expired.") from None
        except BadSignature:
            raise AuthenticationFailed("Mã truy cập không hợp lệ. / Invalid token.") from None
        user = self._principals.load(session, payload.get("uid"))
        if user is None or not user.active or user.token_generation != payload.get("gen"):
            raise AuthenticationFailed("Mã truy cập không hợp lệ. / Invalid token.")
        return user


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


class PrincipalCache:
    """Authenticated users, read with one plain query per request and built as ORM objects once.

    Every authenticated request needs its user and roles. The rows are read fresh each time, so a
    disabled user, a new password or a changed role counts at once; only when they equal the rows
    a cached object was built from is that object copied into the request's session
    (`merge(load=False)`, no SQL) instead of being loaded through the ORM again.
    """

    MAX_ENTRIES = 4096

    def __init__(self) -> None:
        self._built: dict[int, tuple[tuple, User]] = {}

    def load(self, session: Session, user_id) -> User | None:
        if not isinstance(user_id, int):
            return None
        rows = tuple(tuple(row) for row in session.connection().execute(_PRINCIPAL, {"uid": user_id}))
        if not rows:
            return None
        built = self._built.get(user_id)
        if built is None or built[0] != rows:
            if len(self._built) >= self.MAX_ENTRIES:
                self._built.clear()
            built = (rows, _detached_user(rows))
            self._built[user_id] = built
        return session.merge(built[1], load=False)


def _detached_user(rows: tuple[tuple, ...]) -> User:
    """A User with its roles, as if loaded by a session that has since closed (never used directly)."""
    width = len(_users.columns)
    user = User(**{column.key: value for column, value in zip(_users.columns, rows[0][:width], strict=True)})
    roles = [Role(**{column.key: value for column, value in zip(_roles.columns, row[width:], strict=True)})
             for row in rows if row[width] is not None]
    user.roles = roles
    for obj in (*roles, user):
        make_transient_to_detached(obj)
    return user
