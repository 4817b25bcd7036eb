"""Database plumbing: the declarative base with a naming convention, engines and sessions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Named constraints make Alembic migrations deterministic across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# SQLite: how long a writer waits for the write lock before giving up (the busy timeout), in seconds.
SQLITE_BUSY_TIMEOUT = 30
# Execution option of a session that will write (see `begin_write`).
WRITE_INTENT = "vinhdanh_write"


def make_engine(url: str) -> Engine:
    kwargs: dict = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A writer takes the write lock first, waiting for it (busy timeout). A transaction that read first
            # and then writes cannot wait: if anyone committed since its first read, SQLite refuses at once with
            # "database is locked" — a 409 although no one changed what it changed.
            if connection.get_execution_options().get(WRITE_INTENT):
                connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def begin_write(session: Session) -> None:
    """Open the session's transaction as a writer now: on SQLite `BEGIN IMMEDIATE` (waits for the lock rather
    than failing later); elsewhere nothing (PostgreSQL's row locks need no such care)."""
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={WRITE_INTENT: True})


def make_session_factory(engine: Engine) -> sessionmaker:
    factory = sessionmaker(bind=engine, expire_on_commit=False, future=True)

    @event.listens_for(factory, "after_transaction_end")
    def _forget_transaction_caches(session, transaction):
        # session.info holds per-transaction lookups (see operations/versions.py): drop them with it.
        if transaction.parent is None:
            session.info.pop("vinhdanh_versions", None)

    return factory
