"""The PostgreSQL server's own log, read by tests that check what it keeps of a person.

The log is found wherever the server writes it: the file of the logging collector
(pg_current_logfile()), the file pgserver's pg_ctl writes (`<data directory>/log`, the
embedded server of campaign.embedded), or Debian's /var/log/postgresql/ for the
machine's server. Each is read here if this process may, and through the server
(pg_read_binary_file, for a superuser) otherwise, so a server in another container
works too. A watch proves it reads the right one: a statement that fails on purpose,
with a marker, must show up in it before and after the code under test runs.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, connection, transaction

from tests.conftest import skip_or_fail

DEBIAN_LOGS = "/var/log/postgresql"


@dataclass
class Source:
    name: str
    read_from: Callable[[int], bytes]  # the bytes from an offset to the end
    start: int = 0


@dataclass
class Watch:
    source: Source | None = None
    text: str = field(default="")


def _setting(query: str, params: list | None = None):
    """One value the server may refuse to tell (it is for superusers by default)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(query, params)
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return row[0] if row else None


def _paths() -> list[str]:
    data_directory = _setting("SHOW data_directory")
    paths = []
    current = _setting("SELECT pg_current_logfile()")
    if current:
        paths.append(current if os.path.isabs(current) or not data_directory else os.path.join(data_directory, current))
    if data_directory:
        paths.append(os.path.join(data_directory, "log"))
    cluster = _setting("SHOW cluster_name")
    if cluster:
        paths.append(os.path.join(DEBIAN_LOGS, f"postgresql-{cluster.replace('/', '-')}.log"))
    paths += sorted(glob.glob(os.path.join(DEBIAN_LOGS, "postgresql-*.log")))
    return list(dict.fromkeys(paths))


def _local(path: str) -> Source | None:
    try:
        with open(path, "rb") as log:
            size = log.seek(0, os.SEEK_END)
    except OSError:  # absent, a directory, or not ours to read
        return None

    def read_from(offset: int) -> bytes:
        with open(path, "rb") as log:
            log.seek(offset)
            return log.read()

    return Source(f"{path} (read here)", read_from, size)


def _through_server(path: str) -> Source | None:
    size = _setting("SELECT size FROM pg_stat_file(%s, true) WHERE NOT isdir", [path])
    if size is None:
        return None

    def read_from(offset: int) -> bytes:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_read_binary_file(%s, %s, 1 << 30, true)", [path, offset])
            return bytes(cursor.fetchone()[0] or b"")

    return Source(f"{path} (read by the server)", read_from, int(size))


def _provoke(marker: str) -> None:
    """A unique violation whose key is the marker: the server logs it as it would a
    repeated signature (DETAIL: Key (…)=(…), then the statement)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS server_log_marker (value text PRIMARY KEY)")
        with contextlib.suppress(IntegrityError), transaction.atomic():
            cursor.execute("INSERT INTO server_log_marker VALUES (%s), (%s)", [marker, marker])


def _wait_for(sources: list[Source], marker: str, timeout: float = 10) -> Source | None:
    deadline = time.monotonic() + timeout
    while True:
        for source in sources:
            if marker.encode() in source.read_from(source.start):
                return source
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


@contextlib.contextmanager
def watch_server_log() -> Iterator[Watch]:
    """Yield a Watch whose `text`, once the block is over, is what the server logged
    while it ran. Fails under CI=true, and skips otherwise, when no log can be read."""
    paths = _paths()
    sources = [source for path in paths for source in (_local(path), _through_server(path)) if source]
    before = f"server-log-marker-{secrets.token_hex(8)}"
    _provoke(before)
    source = _wait_for(sources, before)
    if source is None:
        skip_or_fail(f"no PostgreSQL server log found with a failing statement in it (looked at {paths or 'nothing'})")
    watch = Watch(source=source)
    start = source.start + source.read_from(source.start).index(before.encode())
    yield watch
    after = f"server-log-marker-{secrets.token_hex(8)}"
    _provoke(after)
    # Read up to a failing statement made after the code under test: all it made the
    # server log is in the file by then.
    assert _wait_for([Source(source.name, source.read_from, start)], after), f"{after} never reached {source.name}"
    logged = source.read_from(start)
    watch.text = logged[: logged.index(after.encode())].decode(errors="replace")
    assert before in watch.text  # what is read is the right log, from the right place
