"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging

CANARY_TASK = "campaign.core.tasks.worker_canary_task"


class QuietCanary(logging.Filter):
    """Keep the liveness canary's "received" and "succeeded" lines out of the worker's
    log: two lines at every probe would bury the mails that `make run` prints."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.args, dict) and record.args.get("name") == CANARY_TASK)
