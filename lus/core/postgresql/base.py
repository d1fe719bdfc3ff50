"""Django's PostgreSQL backend with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django asks a reused connection ``SELECT 1`` before the first
query of every request: one extra round trip on every page, the floor included. An idle
connection has nothing to say, so the socket tells us more cheaply: if it is readable, the
server has closed it (restart, idle timeout, failover) or sent a termination notice, and only
then is the full check run. A connection psycopg already knows to be closed or broken fails
without asking.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if readable:
            return super().is_usable()
        return True
