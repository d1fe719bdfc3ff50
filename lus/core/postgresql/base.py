"""Django's PostgreSQL backend with a health check that costs no round trip, and room for
the prepared statements of every page (settings: ``DB_PREPARED_STATEMENTS``).

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

#: Prepared statements kept per connection (psycopg's default is 100). The key pages and the
#: admin together run about 100 different statements, so at the default the least recently
#: used were dropped and planned again all the time; a plan costs PostgreSQL a few kB each.
PREPARED_MAX = 400


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.prepared_max = PREPARED_MAX
        return connection

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
