"""Health endpoints for load balancers and orchestrators.

`/healthz` says the process answers; `/readyz` says it can serve: the database, the
cache and the broker each answer within READY_CHECK_SECONDS. Both are answered by a
middleware placed before every other, so that a probe by IP address meets no host check
(ALLOWED_HOSTS), no HTTPS redirect, no session and no cookie. Neither reads a row of
anyone's data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# A probe is answered within this, whatever hangs: each check runs in a thread of its own.
READY_CHECK_SECONDS = 2.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("readyz", "ok", timeout=10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("the cache kept nothing")


def _broker() -> None:
    from campaign.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0)  # one attempt, bounded by broker_connection_timeout
    folder = (app.conf.broker_transport_options or {}).get("data_folder_out")
    if folder and not os.access(folder, os.W_OK):  # the folder broker connects to nothing
        raise OSError("the broker folder is not writable")


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "cache": _cache, "broker": _broker}


def _in_own_thread(check: Callable[[], None]) -> None:
    """Run a check on the thread's own connections, closed after: the request's are
    left alone, and nothing is kept open by a thread that ends."""
    try:
        check()
    finally:
        connections.close_all()


def readiness() -> dict[str, str]:
    """{"database": "ok", ...}, or "unavailable" / "timeout" for a part that is not."""
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
    futures = {name: pool.submit(_in_own_thread, check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=READY_CHECK_SECONDS)
    states = {}
    for name, future in futures.items():
        if not future.done():
            states[name] = "timeout"
        elif future.exception() is not None:
            states[name] = "unavailable"
            logger.warning("readyz: %s unavailable: %s", name, type(future.exception()).__name__)
        else:
            states[name] = "ok"
    # A check still hanging finishes on its own client's timeout; the probe need not wait.
    pool.shutdown(wait=False, cancel_futures=True)
    return states


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return _no_store(HttpResponse("ok", content_type="text/plain"))
        if request.path == "/readyz":
            states = readiness()
            ready = all(state == "ok" for state in states.values())
            return _no_store(JsonResponse(states, status=200 if ready else 503))
        return self.get_response(request)
