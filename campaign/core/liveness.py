"""Worker liveness: whether a Celery worker still takes tasks from the broker.

A worker can lose its broker, reconnect, answer `celery inspect ping` and still never
take a task again (celery#8030, #8091, #10205 with Redis): ping travels on the
broadcast channel, which keeps working, while the task queues are read on another
channel, the one that stalls. So the proof that a worker consumes is a task that went
through the broker and its queues: a canary sent to the worker's direct queue
(CELERY_WORKER_DIRECT), which the worker reads on the same channel as the task queue.
The probe (`manage.py worker_alive`, `make run`) sends one each time it looks; running
it records the time.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import DurationField, ExpressionWrapper, F
from django.db.models.functions import Now

from campaign.core.models import WorkerCanary

logger = logging.getLogger(__name__)

# Rows of workers that are gone (a container replaced, a host renamed) are dropped
# after this long, so the table holds the live workers and a few recent ones.
WORKER_CANARY_KEEP = timedelta(days=7)


def worker_stuck_after() -> timedelta:
    return timedelta(seconds=settings.WORKER_STUCK_SECONDS)


def worker_canary_send(*, hostname: str) -> bool:
    """Queue a canary for one worker (its Celery node name). False if the broker refused."""
    from celery.utils.nodenames import worker_direct

    from campaign.core.tasks import worker_canary_task

    try:
        # A canary that waited longer than the limit proves nothing: let it expire.
        worker_canary_task.apply_async(queue=worker_direct(hostname), expires=worker_stuck_after().total_seconds())
    except Exception:
        logger.warning("broker unavailable: no liveness canary for %s", hostname)
        return False
    return True


def worker_canary_record(*, hostname: str) -> None:
    """A worker ran its canary. The time is the database's, as is the clock that
    worker_canary_age reads, so a probe on another host is not fooled by clock skew."""
    WorkerCanary.objects.bulk_create(
        [WorkerCanary(hostname=hostname, consumed_at=Now())],
        update_conflicts=True,
        unique_fields=["hostname"],
        update_fields=["consumed_at"],
    )
    WorkerCanary.objects.filter(consumed_at__lt=Now() - WORKER_CANARY_KEEP).delete()


def worker_canary_age(*, hostname: str) -> timedelta | None:
    """How long ago the worker last ran a canary; None if it never did."""
    age = ExpressionWrapper(Now() - F("consumed_at"), output_field=DurationField())
    return WorkerCanary.objects.filter(hostname=hostname).annotate(age=age).values_list("age", flat=True).first()
