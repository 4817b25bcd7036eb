"""Passwords (argon2) and signed, expiring bearer tokens."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..errors import AuthenticationFailed
from ..models import User

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

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"uid": user.id, "gen": user.token_generation})

    def user_for(self, session: Session, token: str) -> User:
        try:
            payload = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise AuthenticationFailed("Phiên đăng nhập đã hết hạn. / Token expired.") from None
        except BadSignature:
            raise AuthenticationFailed("Mã truy cập không hợp lệ. / Invalid token.") from None
        # One query for the user and its roles: every authenticated request pays for this.
        user = session.scalar(select(User).options(joinedload(User.roles)).where(User.id == payload.get("uid")))
        if user is None or not user.active or user.token_generation != payload.get("gen"):
            raise AuthenticationFailed("Mã truy cập không hợp lệ. / Invalid token.")
        return user
