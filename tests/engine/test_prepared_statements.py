"""On PostgreSQL a connection keeps its prepared statements when a transaction rolls back (service/db.py,
`_keep_prepared_statements`): a 4xx answer or a lost race must not make the next requests on that
connection parse and plan every statement again. What psycopg clears on a statement's own result
(DROP, ALTER, DISCARD ALL...) it still clears."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from service.db import make_engine

# Reads a column of its own so that its row in pg_prepared_statements is easy to find.
PROBE = "SELECT %(n)s::int AS vinhdanh_probe"


@pytest.fixture
def pg_engine(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    engine = make_engine(database_url, pool_size=1)
    yield engine
    engine.dispose()


def _probe_plans(connection) -> int | None:
    """Plans PostgreSQL has used for the probe as a prepared statement (None: not prepared)."""
    row = connection.exec_driver_sql(  # the marker as a parameter: this statement's own text lacks it
        "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE strpos(statement, %(marker)s) > 0",
        {"marker": "vinhdanh_probe"},
    ).first()
    return None if row is None else row[0]


def _run_probe(connection, times: int) -> None:
    for n in range(times):
        assert connection.exec_driver_sql(PROBE, {"n": n}).scalar() == n


def test_a_rollback_keeps_the_connections_prepared_statements(pg_engine):
    with pg_engine.connect() as connection:
        _run_probe(connection, 6)  # psycopg prepares a statement on its fifth run
        before = _probe_plans(connection)
        assert before is not None
        connection.rollback()

        assert _probe_plans(connection) == before  # still on the server after the rollback
        _run_probe(connection, 1)
        assert _probe_plans(connection) == before + 1  # and still used: one more run of the same statement

        # A failed transaction, as a lost race ends: the same.
        with pytest.raises(exc.DataError, match="division by zero"):
            connection.exec_driver_sql("SELECT 1 / %(zero)s::int", {"zero": 0})
        connection.rollback()
        _run_probe(connection, 1)
        assert _probe_plans(connection) == before + 2


def test_a_statement_that_drops_still_clears_them(pg_engine):
    with pg_engine.connect() as connection:
        _run_probe(connection, 6)
        assert _probe_plans(connection) is not None
        connection.exec_driver_sql("CREATE TEMPORARY TABLE vinhdanh_scratch (x int)")
        connection.exec_driver_sql("DROP TABLE vinhdanh_scratch")
        connection.rollback()
        # psycopg deallocates them all before the next statement it sends.
        assert _probe_plans(connection) is None
        _run_probe(connection, 1)
        assert connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar() == 0
