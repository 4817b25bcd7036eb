"""Database plumbing: the declarative base with a naming convention, engines and sessions."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from psycopg._preparing import PrepareManager  # private: psycopg is pinned (setup.cfg)
from sqlalchemy import DateTime, MetaData, create_engine, event, exc, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.session import SessionTransactionState
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import sqltypes
from sqlalchemy.types import TypeDecorator

from . import jsontext

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


class FastStatement:
    """A fixed Core statement, compiled once per dialect and run on the connection's DBAPI cursor.

    For the few statements every request runs. `Connection.execute` sets up an execution context and
    a result (with its column metadata) for each call: ~25 us a statement, as much as SQLite takes to
    run it. Here the compiled SQL, the order of its parameters and their type conversions (the same
    bind processors SQLAlchemy applies: UTC timestamps, JSON, booleans) are kept per dialect, and the
    statement goes straight to the driver, in the connection's transaction. Listeners of the
    engine's cursor events still see it (statement counters, tracing); a driver error comes out as
    SQLAlchemy's, as from `execute`. Every parameter the statement names must be given.
    """

    def __init__(self, statement) -> None:
        self.statement = statement
        self._prepared: dict[str, tuple] = {}

    def _prepare(self, dialect) -> tuple:
        compiled = self.statement.compile(dialect=dialect)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a FastStatement cannot take a list parameter (IN): its SQL would change per call")
        if compiled.insert_prefetch or compiled.update_prefetch:
            # Column defaults computed in Python are applied by `execute`'s context, not by the SQL.
            raise ValueError("a FastStatement must set every column that has a Python-side default: "
                             + ", ".join(column.key for column in compiled.insert_prefetch + compiled.update_prefetch))
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        # The processors SQLAlchemy itself caches per type and dialect (TypeDecorators included), and
        # the values of the statement's own literals (anonymous parameters the caller never names).
        binds = {name: _bind_processor(compiled.binds[name].type, dialect) for name in set(names)}
        fixed = {name: compiled.binds[name].effective_value for name in set(names) if not compiled.binds[name].required}
        # One step per parameter in the order the SQL takes them: (name, processor, has a value of its own, it).
        plan = tuple((name, binds[name], name in fixed, fixed.get(name)) for name in names)
        results = None
        if hasattr(self.statement, "selected_columns"):
            results = tuple(column.type._cached_result_processor(dialect, None)
                            for column in self.statement.selected_columns)
        sql, positional, raw = str(compiled), compiled.positional, None
        if dialect.driver == "psycopg" and not positional:
            sql, plan = _numbered(sql, compiled, plan)
            positional = True
            # What the kept RawCursor is sent (truthy: the statement runs on it). The SQL is ours and
            # ASCII (values travel as parameters); anything else is left to psycopg's own encoding.
            raw = sql.encode() if sql.isascii() else sql
        prepared = (sql, _parameters_converter(plan, positional), _row_converter(results), raw)
        self._prepared[dialect.name] = prepared
        return prepared

    def _run(self, connection, parameters):
        dialect = connection.dialect
        sql, convert, convert_row, raw = self._prepared.get(dialect.name) or self._prepare(dialect)
        if isinstance(parameters, list) and len(parameters) == 1:
            parameters = parameters[0]
        many = isinstance(parameters, list)
        arguments = [convert(values) for values in parameters] if many else convert(parameters)
        cursor = _kept_cursor(connection) if raw else connection.connection.cursor()
        # The engine's listeners, unless some are on connections too (as SQLAlchemy itself checks): each
        # request's Connection joins its dispatch to the engine's, and asking the joined one is dearer.
        dispatch = connection.dispatch if connection._has_events else connection.engine.dispatch
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(connection, cursor, sql, arguments, None, many)
        sent = raw or sql  # psycopg takes the SQL encoded once, not re-encoded on every execute
        try:
            if many:
                cursor.executemany(sent, arguments)
            else:
                cursor.execute(sent, arguments)
        except dialect.loaded_dbapi.Error as error:
            _release(cursor, raw)
            raise exc.DBAPIError.instance(sql, arguments, error, dialect.loaded_dbapi.Error) from error
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(connection, cursor, sql, arguments, None, many)
        return cursor, convert_row, raw

    def execute(self, connection, parameters: dict | list[dict]) -> int:
        """Run the statement (a list of parameter sets: once each); the number of rows it touched."""
        cursor, _, kept = self._run(connection, parameters)
        try:
            return cursor.rowcount
        finally:
            _release(cursor, kept)

    def rows(self, connection, parameters: dict, *, typed: bool = True) -> list[tuple]:
        """The rows of a SELECT, converted as SQLAlchemy would (`typed=False`: as the driver gives them)."""
        cursor, convert_row, kept = self._run(connection, parameters)
        try:
            rows = cursor.fetchall()
        finally:
            _release(cursor, kept)
        if not typed or convert_row is None:
            return [tuple(row) for row in rows]
        return [convert_row(row) for row in rows]


def _bind_processor(type_, dialect):
    """The processor SQLAlchemy applies to a parameter of `type_` — except JSON on psycopg, written as text.

    SQLAlchemy's psycopg dialect wraps each JSON value in psycopg's `Json`, which psycopg then turns
    into text through a dumper written in Python: 7 us per value, and a step writes four or five. A
    FastStatement's SQL casts every parameter to its type (`$1::JSON`), so the serialized text (the
    engine's own serializer, with SQLAlchemy's own handling of JSON.NULL and null()) goes as plain
    text and PostgreSQL reads it as JSON, as it reads psycopg's."""
    if dialect.driver == "psycopg" and isinstance(type_.dialect_impl(dialect), sqltypes.JSON):
        return type_._make_bind_processor(None, dialect._json_serializer or jsontext.dumps)
    return type_._cached_bind_processor(dialect)


def _parameters_converter(plan: tuple, positional: bool):
    """One function turning a call's values into the driver's parameters, written out for this statement.

    A loop over the plan costs a Python iteration per parameter on every execute, and a step's write
    statement has dozens; the generated function is straight-line code. Each parameter: the caller's
    value (or the statement's own literal), through its type's processor unless None."""
    namespace: dict = {}
    items = []
    for index, (name, process, has_value, value_of_its_own) in enumerate(plan):
        if has_value:
            namespace[f"_v{index}"] = value_of_its_own
            read = f"values.get({name!r}, _v{index})"
        else:
            read = f"values[{name!r}]"
        if process is None:
            items.append((name, read))
        else:
            namespace[f"_p{index}"] = process
            items.append((name, f"(_x if (_x := {read}) is None else _p{index}(_x))"))
    if positional:
        body = "(" + "".join(f"{item}, " for _, item in items) + ")"
    else:
        body = "{" + ", ".join(f"{name!r}: {item}" for name, item in items) + "}"
    exec(f"def convert(values):\n    return {body}\n", namespace)  # noqa: S102 - source built above from the plan
    return namespace["convert"]


def _row_converter(results: tuple | None):
    """The function converting a fetched row as SQLAlchemy would (None: no column needs converting)."""
    if results is None or not any(results):
        return None
    namespace = {f"_p{index}": process for index, process in enumerate(results) if process is not None}
    items = [f"row[{index}]" if process is None else f"(_x if (_x := row[{index}]) is None else _p{index}(_x))"
             for index, process in enumerate(results)]
    exec(f"def convert_row(row):\n    return ({''.join(item + ', ' for item in items)})\n", namespace)  # noqa: S102
    return namespace["convert_row"]


_PYFORMAT = re.compile(r"%\(([^)]+)\)s|%%")


def _numbered(sql: str, compiled, plan: tuple) -> tuple[str, tuple]:
    """psycopg's SQL for a compiled statement, its placeholders numbered once here ($1, $2, ...: each
    name one number however often it appears) instead of by the driver on every execute. The driver
    parses `%(name)s` text per call, and caches the result only for statements under 4 KB with at most
    50 parameters: a step's write statements are above both."""
    unescaped = {escaped: name for name, escaped in (compiled.escaped_bind_names or {}).items()}
    steps = {step[0]: step for step in plan}
    numbers: dict[str, int] = {}

    def number(match: re.Match) -> str:
        if match.group(0) == "%%":
            return "%"
        name = unescaped.get(match.group(1), match.group(1))
        if name not in numbers:
            numbers[name] = len(numbers) + 1
        return f"${numbers[name]}"

    sql = _PYFORMAT.sub(number, sql)
    return sql, tuple(steps[name] for name in numbers)  # the plan in the numbers' order


def _kept_cursor(connection):
    """The pooled connection's own cursor that sends `$n` placeholders as they are (psycopg's RawCursor),
    made once per connection and reused by every FastStatement on it.

    A psycopg cursor adapts through its own Transformer, which builds a loader for each column of a
    result and a dumper for each type of parameter the first time it meets them, and keeps them for
    the cursor's life: a new cursor per statement built them all again on every execute (the step's
    write statement has dozens of parameters; reading a task, dozens of columns). A pooled connection
    is used by one thread at a time, and a client-side cursor holds nothing on the server, so one kept
    cursor per connection is safe; it closes with its connection."""
    dbapi_connection = connection.connection.dbapi_connection
    cursor = getattr(dbapi_connection, "_vinhdanh_cursor", None)
    if cursor is None or cursor.closed:
        import psycopg

        cursor = dbapi_connection._vinhdanh_cursor = psycopg.RawCursor(dbapi_connection)
    return cursor


def _release(cursor, kept) -> None:
    """Done with a FastStatement's cursor: a per-statement one is closed, the connection's kept one stays."""
    if not kept:
        cursor.close()


def attach_loaded(session: Session, model, values: dict):
    """The object of `model` for a row read as plain values, in `session` as if a query had loaded it:
    persistent, unmodified, found by `session.get`; columns not given load on first use (as with
    `load_only`). The session's own object for that row wins when it has one, as with a query (which
    does not overwrite rows it holds).

    For rows a hot path reads with a FastStatement. The object is made as SQLAlchemy's loader makes
    one (values into the instance's dict, the identity key, straight into the identity map): going
    through `session.add` instead walked every relationship for its save-update cascade, which cost
    more than all the rest. Nothing else is attached with it, so there is nothing to cascade to. A
    session with attach or persistence listeners gets the public path, which fires them.
    """
    plan = _attach_plans.get(model) or _attach_plan(model)
    mapper, primary_key, scalar_keys, _ = plan
    key = (mapper.class_, tuple([values[name] for name in primary_key]), None)
    identity_map = session.identity_map
    existing = identity_map.get(key)
    if existing is not None:
        return existing
    obj = mapper.class_manager.new_instance()
    state = instance_state(obj)
    state.dict.update(values)
    dispatch = session.dispatch
    if dispatch.before_attach or dispatch.after_attach or dispatch.detached_to_persistent:
        make_transient_to_detached(obj)
        session.add(obj)
        return obj
    # SQLAlchemy's own loading steps (loading._instance), private: SQLAlchemy is pinned (setup.cfg) and
    # tests/test_db.py checks the objects behave as loaded ones (lazy loads, flush, expiry on rollback).
    state.key = key
    unloaded = [name for name in scalar_keys if name not in values]
    if unloaded:  # load on first use, as a query's load_only leaves them
        state.expired_attributes.update(unloaded)
    session._autobegin_t()
    state.session_id = session.hash_key
    identity_map._add_unpresent(state, key)
    return obj


def set_committed_columns(obj, values: dict) -> None:
    """`set_committed_value` for several column attributes at once: the values become the object's
    loaded state (nothing to flush for them), in one pass over its state instead of one per attribute.
    Columns only: a relationship's collection needs `set_committed_value` itself."""
    plan = _attach_plans.get(type(obj)) or _attach_plan(type(obj))
    if not plan[3].issuperset(values):
        raise ValueError(f"not column attributes of {type(obj).__name__}: {sorted(set(values) - plan[3])}")
    state = instance_state(obj)
    state.dict.update(values)
    state._commit(state.dict, values)  # what set_committed_value does per attribute (private; SQLAlchemy is pinned)


_attach_plans: dict = {}


def _attach_plan(model) -> tuple:
    """Per mapped class: its mapper, the attribute names of its primary key, and of every attribute that
    loads as a column (what an object attached without them must load on first use)."""
    mapper = inspect(model)
    if mapper.inherits is not None or mapper.polymorphic_on is not None:
        raise ValueError(f"attach_loaded takes plain mapped classes, not {model.__name__}")
    primary_key = tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)
    scalar_keys = tuple(attribute.key for attribute in mapper.column_attrs)
    plan = _attach_plans[model] = (mapper, primary_key, scalar_keys, frozenset(scalar_keys))
    return plan


_BEGIN_IMMEDIATE = FastStatement(text("BEGIN IMMEDIATE"))


# A pooled server connection idle longer than this is checked before use (the server may have
# restarted or dropped it); one in steady use is not, which saves a round trip per request.
PING_AFTER_IDLE_SECONDS = 10.0
SQLITE_MMAP_BYTES = 1 << 30  # address space only: the mapped pages are the OS's file cache, not copies
# SQLite: how long a writer waits for the write lock before giving up (the busy timeout), in seconds.
SQLITE_BUSY_TIMEOUT = 30
# Execution option of a session that will write (see `begin_write`).
WRITE_INTENT = "vinhdanh_write"


def make_engine(url: str, *, pool_size: int | None = None) -> Engine:
    """The engine for `url`. `pool_size`: the connections a process keeps open, at least as many as its
    threads use at once (the pool's default of 5 is fewer than a server worker's request threads plus
    its background threads: the rest would be opened and closed per checkout, a new PostgreSQL backend
    each time)."""
    # Every step writes the state and data columns as JSON: orjson, falling back to json (service/jsontext.py).
    # The pool hands out the connection returned last (LIFO), not the one idle longest. On SQLite a connection
    # that finds the database changed by another connection since its own last transaction unmaps the whole
    # file (and empties its page cache): with the pool cycling through a worker's connections, that was every
    # request — a 60 MB munmap, then page faults for every page read again (server CPU per request of a walk:
    # 1.93-1.98 ms FIFO, 1.76-1.80 ms LIFO). Server backends likewise keep their caches and prepared
    # statements warm. (An in-memory SQLite database has one connection per thread and no such pool.)
    kwargs: dict = {"future": True, "json_serializer": jsontext.dumps, "json_deserializer": jsontext.loads}
    if _pooled(url):
        kwargs["pool_use_lifo"] = True
    if pool_size is not None:
        kwargs["pool_size"] = pool_size
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}
    engine = create_engine(url, **kwargs)
    if not url.startswith("sqlite"):
        _ping_idle_connections(engine)
    if engine.dialect.driver == "psycopg":
        _keep_prepared_statements(engine)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Pages read straight from a memory map, not copied by a read() system call each: the
            # default 2 MB page cache holds a fraction of a busy inbox's indexes (a superior's inbox
            # at 100,000 open tasks: 3.3 -> 2.2 ms CPU).
            cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A writer takes the write lock first, waiting for it (busy timeout). A transaction that read first
            # and then writes cannot wait: if anyone committed since its first read, SQLite refuses at once with
            # "database is locked" — a 409 although no one changed what it changed.
            if connection.get_execution_options().get(WRITE_INTENT):
                _BEGIN_IMMEDIATE.execute(connection, {})

    return engine


def _pooled(url: str) -> bool:
    """Whether SQLAlchemy gives `url` a queue of connections (not in-memory SQLite's one per thread)."""
    parsed = make_url(url)
    return issubclass(parsed.get_dialect().get_pool_class(parsed), QueuePool)


def _ping_idle_connections(engine: Engine) -> None:
    """Like `pool_pre_ping`, but only for connections that sat in the pool a while."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()  # leave no transaction open: the pool hands out idle connections
        except Exception as error:  # any failure: the pool discards this connection and takes another
            raise exc.DisconnectionError(str(error)) from error


class _KeptAcrossRollbacks(PrepareManager):
    """psycopg's bookkeeping of one connection's prepared statements, kept when a transaction rolls
    back (see `_keep_prepared_statements`)."""

    def __init__(self, replaced: PrepareManager) -> None:
        super().__init__()
        self.prepare_threshold = replaced.prepare_threshold
        self.prepared_max = replaced.prepared_max
        self._discarding = False

    def _should_discard(self, prep, results) -> bool:
        self._discarding = True  # a statement's own result (DROP, ALTER, DISCARD ALL...) may clear
        try:
            return super()._should_discard(prep, results)
        finally:
            self._discarding = False

    def clear(self) -> bool:
        return super().clear() if self._discarding else False


def _keep_prepared_statements(engine: Engine) -> None:
    """psycopg prepares a statement on the server once a connection has run it five times, and then
    sends only its name and parameters: PostgreSQL neither parses nor plans it again. But psycopg
    forgets them all on every rollback (and sends DEALLOCATE ALL), in case the transaction dropped or
    altered what they use. Here a rollback is a 4xx answer, a lost race, a background pass that only
    read: each wiped its connection's statements, and the requests that came after on it parsed and
    planned every statement again, five times over before it was prepared anew. Under load that was
    a quarter of PostgreSQL's CPU per completion (planning 27 % of the backends' samples; with the
    statements kept, 2 %).

    PostgreSQL keeps named statements across a rollback and re-plans one by itself when a table it
    uses changes; the service changes no schema outside migrations. So a rollback keeps them here; a
    DROP, ALTER, DISCARD ALL, DEALLOCATE ALL or ROLLBACK TO SAVEPOINT run through a cursor (SQLAlchemy
    sends the last one so) still clears them, as psycopg does.
    psycopg is pinned (setup.cfg), and tests/engine/test_prepared_statements.py checks both behaviours
    against the installed version."""

    @event.listens_for(engine, "connect")
    def _connected(dbapi_connection, _record) -> None:
        dbapi_connection._prepared = _KeptAcrossRollbacks(dbapi_connection._prepared)


def begin_write(session: Session) -> None:
    """Open the session's transaction as a writer now: on SQLite `BEGIN IMMEDIATE` (waits for the lock rather
    than failing later); elsewhere nothing (PostgreSQL's row locks need no such care)."""
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={WRITE_INTENT: True})


class RequestSession(Session):
    """A Session that hands out its transaction's connection without asking again each time.

    A request asks for the connection once per statement it runs outside the ORM (FastStatements,
    Core statements: eight times in a completion). `Session.connection()` resolves the bind and walks
    the transaction's state machine on every call, to give the same Connection each time. Here the
    answer is kept with the transaction object it came from and given again only while that very
    transaction is still the session's and still active; anything else (a new or nested transaction,
    one a failed flush deactivated, arguments) goes through `Session.connection()` as before.
    """

    _kept_connection: tuple | None = None

    def connection(self, bind_arguments=None, execution_options=None):
        kept = self._kept_connection
        if (kept is not None and bind_arguments is None and execution_options is None
                and kept[0] is self._transaction and kept[0]._state is _ACTIVE):
            return kept[1]
        connection = super().connection(bind_arguments, execution_options)
        if bind_arguments is None:
            self._kept_connection = (self._transaction, connection)
        return connection


_ACTIVE = SessionTransactionState.ACTIVE


@event.listens_for(RequestSession, "after_transaction_end")
def _drop_kept_connection(session, _transaction) -> None:
    # Kept past its transaction, the pair would hold the ended transaction (and through it the session)
    # in a reference cycle only the cyclic collector frees: +18 % instructions per request, measured.
    session._kept_connection = None


def make_session_factory(engine: Engine) -> sessionmaker:
    factory = sessionmaker(bind=engine, class_=RequestSession, expire_on_commit=False, future=True)

    @event.listens_for(factory, "after_transaction_end")
    def _forget_transaction_caches(session, transaction):
        # session.info holds per-transaction lookups (see operations/versions.py): drop them with it.
        if transaction.parent is None:
            session.info.pop("vinhdanh_versions", None)
            session.info.pop("vinhdanh_lane_roles_tokens", None)  # operations/lane_roles.py

    return factory
