"""Logging filters and formatters named in settings.LOGGING, and the ids they carry.

A log line names ids (a request's, a task's, a row's), never an address, a name or an IP.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

CANARY_TASK = "campaign.core.tasks.worker_canary_task"

# Set for the length of a request (campaign.core.requestid) or a task (campaign.celery).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
task_id: ContextVar[str | None] = ContextVar("task_id", default=None)


class QuietCanary(logging.Filter):
    """Keep the liveness canary's "received" and "succeeded" lines out of the worker's
    log: two lines at every probe would bury the mails that `make run` prints."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.args, dict) and record.args.get("name") == CANARY_TASK)


class QuietProbes(logging.Filter):
    """Keep Django's "Service Unavailable: /readyz" error out of the log (and so out of
    error reports): a node that is not ready is a state the balancer acts on, logged once
    per probe as a warning by campaign.core.health, not an error at every probe."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return getattr(request, "path", None) != "/readyz"


class RequestContext(logging.Filter):
    """Add the current request's and task's ids to every record, so that the lines one
    request or task wrote can be found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task_id = task_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors. Only these fields: a record's
    `extra` (Django puts the whole request there) is never written out."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("request_id", "task_id"):
            value = getattr(record, field, None)
            if value:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
