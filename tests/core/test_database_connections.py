"""Django's connection health checks (CONN_HEALTH_CHECKS): a persistent connection the
server ended is replaced before a request uses it."""

import psycopg2
import pytest
from django.db import close_old_connections, connection

from tests.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it():
    assert connection.health_check_enabled
    pid = backend_pid()
    params = connection.get_connection_params()
    other = psycopg2.connect(**{key: value for key, value in params.items() if key != "cursor_factory"})
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

        def gone() -> bool:
            with other.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                return cursor.fetchone()[0] == 0

        wait_until(gone, timeout=5, what="the backend to end")
        close_old_connections()  # what Django does as each request starts
        assert backend_pid() != pid  # no error: a fresh connection
    finally:
        other.close()
        connection.close()
