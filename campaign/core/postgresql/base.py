"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks a persistent connection before the first query of
every request whether it is still usable, and asks it with a `SELECT 1`: one more round
trip to PostgreSQL for each request that writes a signature, a twentieth of the
database's work per signature under a surge. An idle connection has nothing to read, so
the socket alone answers: when the server ends a connection (a restart, a terminated
backend, an idle timeout) its goodbye and the end of the stream wait there, and the
connection is replaced before the request uses it, as after a failed `SELECT 1`.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        # Anything to read on an idle connection is the server's doing; a fresh
        # connection costs less than finding out what it was.
        return not readable
