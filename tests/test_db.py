"""Connections: SQLite reads through a memory map; server connections are checked only after sitting idle."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from service import db


@pytest.fixture
def server_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connection to lose (the PostgreSQL run covers this)")
    return database_url


def _pooled_backend_dropped(engine, killer) -> int:
    """Check a connection in and out once, then have the server end it while it sits in the pool."""
    with engine.connect() as connection:
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
    with killer.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    return pid


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(server_url, monkeypatch):
    engine, killer = db.make_engine(server_url), db.make_engine(server_url)
    try:
        dropped = _pooled_backend_dropped(engine, killer)
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled connection counts as idle
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT pg_backend_pid()")) != dropped
    finally:
        engine.dispose()
        killer.dispose()


def test_a_connection_in_steady_use_is_not_pinged(server_url, monkeypatch):
    engine, killer = db.make_engine(server_url), db.make_engine(server_url)
    try:
        _pooled_backend_dropped(engine, killer)
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)
        # Used again at once: no ping, so the loss shows on the statement (one failed request).
        with pytest.raises(OperationalError), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        with engine.connect() as connection:  # the pool dropped the dead connection: the next one works
            assert connection.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()
        killer.dispose()


def test_sqlite_connections_read_through_a_memory_map(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'mapped.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA mmap_size").scalar() == db.SQLITE_MMAP_BYTES
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


# FastStatement: the hot path's statements sent straight to the driver must mean what `execute` means.

def _fast_rows_match_execute(session, statement, parameters):
    connection = session.connection()
    fast = db.FastStatement(statement).rows(connection, parameters)
    assert fast == [tuple(row) for row in connection.execute(statement, parameters)]
    return fast


def test_fast_statement_reads_and_writes_typed_values_as_execute_does(session, create_org_unit):
    from datetime import UTC, datetime

    from sqlalchemy import bindparam, insert, select

    from service.models import AuditEvent

    unit = create_org_unit("DEPT")
    events = AuditEvent.__table__
    at = datetime(2026, 12, 3, 7, 5, 1, 123456, tzinfo=UTC)
    row = {"stream": "test:fast", "seq": 1, "at": at, "actor": "Nguyễn Văn A", "action": "x", "instance_id": None,
           "element_id": None, "task_name": None, "details": {"số": 1, "list": [True, None]},
           "prev_hash": "0" * 64, "hash": "1" * 64}
    write = db.FastStatement(insert(events).values({key: bindparam(key, type_=events.c[key].type) for key in row}))
    assert write.execute(session.connection(), [row, row | {"seq": 2}]) == 2  # a list: once per set
    read = select(events.c.seq, events.c.at, events.c.details, events.c.actor).where(
        events.c.stream == bindparam("stream")).order_by(events.c.seq)
    rows = _fast_rows_match_execute(session, read, {"stream": "test:fast"})
    assert [r[0] for r in rows] == [1, 2] and rows[0][1] == at and rows[0][2] == {"số": 1, "list": [True, None]}
    assert _fast_rows_match_execute(session, select(type(unit).__table__.c.id).where(
        type(unit).__table__.c.code == "DEPT"), {}) == [(unit.id,)]


def test_fast_statement_events_errors_and_refusals(session, engine):
    from sqlalchemy import bindparam, event, insert, select
    from sqlalchemy.exc import IntegrityError

    from service.db import utcnow
    from service.models import AuditEvent, OrgUnit

    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        units = OrgUnit.__table__
        statement = db.FastStatement(select(units.c.id).where(units.c.code == bindparam("code")))
        assert statement.rows(session.connection(), {"code": "NONE"}) == []
        assert len(seen) == 1 and "org_units" in seen[0]  # statement counters and tracing see it
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # ... and so do listeners on one connection (looked up on the connection, not the engine, then).
    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    event.listen(connection, "after_cursor_execute", count)
    try:
        statement.rows(connection, {"code": "NONE"})
        assert len(seen) == 3 and "org_units" in seen[2]
    finally:
        event.remove(connection, "before_cursor_execute", count)
        event.remove(connection, "after_cursor_execute", count)
    with pytest.raises(KeyError):  # a parameter the statement names must be given
        statement.rows(session.connection(), {})
    with pytest.raises(ValueError, match="created_at"):  # a column default computed in Python is refused
        db.FastStatement(insert(units).values(code=bindparam("code"), name=bindparam("name"),
                                              kind=bindparam("kind"), parent_confirms_reports=True)
                         ).execute(session.connection(), {"code": "A", "name": "A", "kind": "department"})
    events = AuditEvent.__table__
    row = {"stream": "test:dup", "seq": 1, "at": utcnow(), "actor": None, "action": "x", "instance_id": None,
           "element_id": None, "task_name": None, "details": {}, "prev_hash": "0" * 64, "hash": "1" * 64}
    duplicate = db.FastStatement(insert(events).values({key: bindparam(key) for key in row}))
    duplicate.execute(session.connection(), row)
    with pytest.raises(IntegrityError):  # the driver's error, as SQLAlchemy's execute raises it
        duplicate.execute(session.connection(), row)
    session.rollback()
    with pytest.raises(ValueError, match="IN"):
        db.FastStatement(select(units.c.id).where(units.c.code.in_(bindparam("codes", expanding=True)))).rows(
            session.connection(), {"codes": ["A"]})


def test_fast_statements_share_one_cursor_per_server_connection(database_url):
    """On PostgreSQL a FastStatement runs on its connection's kept cursor (its loaders and dumpers are
    built once per connection), which stays usable after a failed statement and a rollback; another
    connection has its own."""
    from sqlalchemy import bindparam, insert, select
    from sqlalchemy.exc import IntegrityError

    from service.models import AuditEvent

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's cursors are made per statement (the PostgreSQL run covers the kept one)")
    engine = db.make_engine(database_url)
    events = AuditEvent.__table__
    count = db.FastStatement(select(events.c.id).where(events.c.stream == bindparam("stream")))
    row = {"stream": "test:kept", "seq": 1, "at": db.utcnow(), "actor": None, "action": "x", "instance_id": None,
           "element_id": None, "task_name": None, "details": {"tên": "Đà Nẵng"}, "prev_hash": "0" * 64,
           "hash": "1" * 64}
    insert_event = db.FastStatement(insert(events).values({key: bindparam(key) for key in row}))
    try:
        with engine.connect() as first, engine.connect() as second:
            transaction = first.begin()
            assert insert_event.execute(first, row) == 1
            kept = db._kept_cursor(first)
            assert count.rows(first, {"stream": "test:kept"}) and db._kept_cursor(first) is kept
            assert not kept.closed  # FastStatement leaves it open for the next one
            assert db._kept_cursor(second) is not kept
            with pytest.raises(IntegrityError):
                insert_event.execute(first, row)
            transaction.rollback()
            with first.begin():
                assert count.rows(first, {"stream": "test:kept"}) == []  # same cursor, next transaction
                assert db._kept_cursor(first) is kept
                kept.close()  # a cursor someone closed is replaced, not reused
                assert count.rows(first, {"stream": "test:kept"}) == [] and db._kept_cursor(first) is not kept
    finally:
        engine.dispose()


def test_attach_loaded_gives_the_session_object_a_query_would(session, create_org_unit):
    from sqlalchemy import select

    from service.models import OrgUnit

    unit = create_org_unit("DEPT", name="Sở Khoa học và Công nghệ")
    session.expunge_all()
    attached = db.attach_loaded(session, OrgUnit, {"id": unit.id, "code": "DEPT"})
    assert session.get(OrgUnit, unit.id) is attached and attached not in session.dirty
    assert attached.name == "Sở Khoa học và Công nghệ"  # a column not given loads on first use
    assert session.scalar(select(OrgUnit).where(OrgUnit.id == unit.id)) is attached
    assert db.attach_loaded(session, OrgUnit, {"id": unit.id, "code": "OTHER"}) is attached  # the session's wins
    attached.name = "Sở mới"
    assert attached in session.dirty  # changes are tracked as on a loaded object


def test_attach_loaded_objects_lazy_load_flush_and_expire_as_loaded_ones(session, create_org_unit, create_user):
    from sqlalchemy import event, inspect, select

    from service.models import OrgUnit, User

    create_org_unit("DEPT", name="Sở Khoa học và Công nghệ")
    created = create_user("officer", "DEPT", roles=["unit_officer"])
    values = {"id": created.id, "username": "officer", "org_unit_id": created.org_unit_id, "active": True}
    session.expunge_all()
    user = db.attach_loaded(session, User, values)
    assert inspect(user).persistent and user in session and not session.dirty
    assert user.org_unit.code == "DEPT"  # a relationship loads on use (from the session, as a loaded one)
    assert [role.key for role in user.roles] == ["unit_officer"]
    assert user.full_name == "Người dùng officer"  # a column not given, from the database
    user.full_name = "Nguyễn Văn A"
    session.commit()  # the change is flushed as an UPDATE of that row
    session.expunge_all()
    assert session.scalar(select(User.full_name).where(User.id == created.id)) == "Nguyễn Văn A"
    again = db.attach_loaded(session, User, values)
    session.rollback()  # a rollback expires it as it expires loaded objects
    assert "username" not in again.__dict__ and again.username == "officer"
    session.expunge_all()
    # With attach listeners on the session, they are told (the public path).
    seen = []

    def attached(_session, instance):
        seen.append(instance)

    event.listen(session, "after_attach", attached)
    try:
        unit = db.attach_loaded(session, OrgUnit, {"id": created.org_unit_id, "code": "DEPT"})
        assert seen == [unit] and inspect(unit).persistent and unit.name == "Sở Khoa học và Công nghệ"
    finally:
        event.remove(session, "after_attach", attached)
    session.expunge_all()


def test_set_committed_columns_makes_values_the_loaded_state(session, create_org_unit):
    from sqlalchemy import inspect

    from service.models import OrgUnit

    unit = create_org_unit("DEPT", name="Sở cũ")
    unit.abbreviation = "CU"  # a pending change of another column stays pending
    db.set_committed_columns(unit, {"name": "Sở Khoa học và Công nghệ", "code": "SKHCN"})
    state = inspect(unit)
    assert unit.name == "Sở Khoa học và Công nghệ" and unit.code == "SKHCN"
    assert "name" not in state.committed_state and "code" not in state.committed_state
    assert set(state.committed_state) == {"abbreviation"} and unit in session.dirty
    with pytest.raises(ValueError, match="former_names"):  # columns only
        db.set_committed_columns(unit, {"former_names": []})
    session.rollback()
    assert session.get(OrgUnit, unit.id).name == "Sở cũ"  # nothing was written


def test_request_session_gives_its_transaction_connection_while_it_is_active(database_url):
    from sqlalchemy.exc import IntegrityError, PendingRollbackError

    from service.models import OrgUnit

    engine = db.make_engine(database_url)
    factory = db.make_session_factory(engine)
    try:
        with factory() as session:
            assert isinstance(session, db.RequestSession)
            first = session.connection()
            assert session.connection() is first and session.connection() is first
            savepoint = session.begin_nested()
            assert session.connection() is first  # a savepoint runs on the same connection
            savepoint.rollback()
            assert session.connection() is first
            session.commit()
            second = session.connection()  # a new transaction asks again
            assert session._kept_connection[0] is session.get_transaction()
            assert session.connection() is second
            # Two units with one code: the flush fails and deactivates the transaction; asking for
            # the connection then fails as Session's own does, until the rollback.
            session.add_all([OrgUnit(code="DUP", name="A", kind="department", parent_confirms_reports=True),
                             OrgUnit(code="DUP", name="B", kind="department", parent_confirms_reports=True)])
            with pytest.raises(IntegrityError):
                session.flush()
            with pytest.raises(PendingRollbackError):
                session.connection()
            session.rollback()
            assert session._kept_connection is None  # the ended transaction is not kept alive
            assert session.connection().scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()


def test_a_worker_keeps_a_connection_for_each_thread_that_may_use_one_at_once(database_url):
    """Request threads, the timer loop, the notification sender and the PDF slots all hold connections at
    once under load: a pool smaller than that opens and closes the rest per checkout."""
    import threading

    from sqlalchemy import event

    from service.app import BACKGROUND_THREADS, connections_needed, create_app
    from service.config import Settings

    settings = Settings(database_url=database_url, secret_key="pool-test-secret-0123456789abcdef",
                        web_threads=8, pdf_converters=2)
    assert connections_needed(settings) == 8 + BACKGROUND_THREADS + 2
    engine = create_app(settings).extensions["vinhdanh"].engine
    try:
        assert engine.pool.size() == connections_needed(settings)
        opened = []
        event.listen(engine, "connect", lambda *_: opened.append(1))
        users = connections_needed(settings)
        barrier = threading.Barrier(users)

        def use() -> None:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                barrier.wait(timeout=30)  # every thread holds its connection at the same moment

        for _ in range(2):  # the second round finds every connection the first one opened still pooled
            threads = [threading.Thread(target=use) for _ in range(users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        assert len(opened) == users
        assert engine.pool.checkedin() == users
    finally:
        engine.dispose()


def test_the_connection_used_last_is_handed_out_next(database_url):
    # SQLite: a connection that finds the database changed by another since its last transaction drops
    # its memory map of the file and its page cache; handing out the one used last (LIFO) lets one
    # request after another keep both. A server backend keeps its caches warm the same way.
    engine = db.make_engine(database_url, pool_size=4)
    try:
        held = [engine.connect() for _ in range(3)]
        identities = [id(connection.connection.dbapi_connection) for connection in held]
        for connection in held:  # returned in this order: the third is the last one back
            connection.close()
        for _ in range(3):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                assert id(connection.connection.dbapi_connection) == identities[-1]
    finally:
        engine.dispose()


def test_fast_statement_stores_json_as_execute_stores_it(session):
    # On PostgreSQL a FastStatement sends JSON as text cast by its SQL, not in psycopg's Json wrapper:
    # the stored JSON must be the text `execute` stores, JSON.NULL and null() (SQL NULL) included.
    from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Text, bindparam, insert, null, select

    probe = Table("fast_json_probe", MetaData(), Column("id", Integer, primary_key=True), Column("way", String(8)),
                  Column("value", JSON))
    connection = session.connection()
    probe.create(connection)
    values = [{"số": 1, "tên": "Đà Nẵng", "list": [True, None, 2.5, 10 ** 30], "nested": {"a": {"b": []}}},
              [], "chuỗi", 0, None, JSON.NULL, null()]
    statement = insert(probe).values(id=bindparam("id"), way=bindparam("way"),
                                     value=bindparam("value", type_=probe.c.value.type))
    fast = db.FastStatement(statement)
    for number, value in enumerate(values):
        fast.execute(connection, {"id": number, "way": "fast", "value": value})
        connection.execute(statement, {"id": 100 + number, "way": "execute", "value": value})
    as_text = probe.c.value if connection.dialect.name == "sqlite" else probe.c.value.cast(Text)
    stored = {way: connection.execute(select(as_text, probe.c.value.is_(None)).where(probe.c.way == way)
                                      .order_by(probe.c.id)).all() for way in ("fast", "execute")}
    probe.drop(connection)
    assert len(stored["fast"]) == len(values)
    # A bare None: SQLAlchemy writes JSON null, a FastStatement SQL NULL (it skips processors for None);
    # both read back as None. Every other value is stored as the same text.
    none_at = values.index(None)
    assert stored["fast"][:none_at] + stored["fast"][none_at + 1:] == \
        stored["execute"][:none_at] + stored["execute"][none_at + 1:]
    assert stored["fast"][none_at][1] is True


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_sqlite_database_gets_its_own_pool(url):
    # In-memory SQLite has one connection per thread (SingletonThreadPool), which takes no LIFO setting.
    engine = db.make_engine(url, pool_size=4)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
