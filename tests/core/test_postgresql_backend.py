"""The PostgreSQL backend's health check: free for a healthy connection, and a connection the
server has dropped is replaced before the request's first query instead of failing it."""

import select
from unittest import mock

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backend (run with DATABASE_URL=postgres://...)")


def _new_request():
    """What Django does between two requests on a persistent connection."""
    connection.health_check_enabled = True
    connection.health_check_done = False


def test_a_healthy_idle_connection_is_checked_without_a_round_trip():
    connection.ensure_connection()
    _new_request()
    no_round_trip = mock.patch.object(
        DjangoWrapper, "is_usable", side_effect=AssertionError("SELECT 1")
    )
    with no_round_trip, connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_a_connection_the_server_dropped_is_replaced_before_the_first_query():
    import psycopg

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # Termination is asynchronous: wait until the server has really closed the socket.
    select.select([connection.connection.fileno()], [], [], 5)
    _new_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
