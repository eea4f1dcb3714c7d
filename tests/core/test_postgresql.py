"""The database backend's health check: nothing sent, a connection the server ended noticed."""

import time

import psycopg2
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _statement_of(other, pid: int) -> str:
    with other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_the_health_check_sends_nothing_and_notices_a_connection_the_server_ended():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    other = psycopg2.connect(**{key: value for key, value in params.items() if key != "cursor_factory"})
    other.autocommit = True
    try:
        assert connection.is_usable()
        assert _statement_of(other, pid) == "SELECT pg_backend_pid()"  # no SELECT 1 after it
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while connection.is_usable() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not connection.is_usable()
        assert connection.health_check_enabled
        connection.health_check_done = False  # as at the start of a request
        with connection.cursor() as cursor:  # the check fails: a fresh connection
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        other.close()
        connection.close()
