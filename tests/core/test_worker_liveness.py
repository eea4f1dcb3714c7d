import logging
import socket
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models.functions import Now

from campaign.core import liveness
from campaign.core.logs import CANARY_TASK, QuietCanary
from campaign.core.models import WorkerCanary

pytestmark = pytest.mark.django_db


def ran_canary(hostname: str, seconds_ago: float) -> None:
    WorkerCanary.objects.update_or_create(
        hostname=hostname, defaults={"consumed_at": Now() - timedelta(seconds=seconds_ago)}
    )


def worker_alive(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("worker_alive", *args, stdout=out)
    return out.getvalue()


def test_worker_canary_record_keeps_one_row_per_worker_with_the_latest_time():
    ran_canary("w1@host", seconds_ago=300)
    liveness.worker_canary_record(hostname="w1@host")
    liveness.worker_canary_record(hostname="w2@host")
    assert WorkerCanary.objects.count() == 2
    assert liveness.worker_canary_age(hostname="w1@host") < timedelta(seconds=5)


def test_worker_canary_record_forgets_workers_gone_for_a_week():
    ran_canary("gone@host", seconds_ago=8 * 24 * 3600)
    ran_canary("asleep@host", seconds_ago=6 * 24 * 3600)
    liveness.worker_canary_record(hostname="w1@host")
    assert set(WorkerCanary.objects.values_list("hostname", flat=True)) == {"asleep@host", "w1@host"}


def test_worker_canary_sent_and_run_in_process_is_recorded_under_the_host_that_ran_it():
    # Tests run tasks eagerly: the canary runs here, not on the worker it was sent to.
    assert liveness.worker_canary_send(hostname="w1@host")
    assert liveness.worker_canary_age(hostname="w1@host") is None
    assert list(WorkerCanary.objects.values_list("hostname", flat=True)) == [socket.gethostname()]


def test_worker_canary_age_is_none_for_a_worker_that_never_ran_one():
    ran_canary("w1@host", seconds_ago=1)
    assert liveness.worker_canary_age(hostname="w2@host") is None


def test_worker_alive_passes_for_celerys_default_node_name_with_a_recent_canary():
    ran_canary(f"celery@{socket.gethostname()}", seconds_ago=3)
    assert f"celery@{socket.gethostname()} ran a canary task 3." in worker_alive()


def test_worker_alive_expands_the_host_in_a_node_name():
    ran_canary(f"mail@{socket.gethostname()}", seconds_ago=3)
    assert "ran a canary task" in worker_alive("--hostname=mail@%h")


def test_worker_alive_fails_when_the_last_canary_is_older_than_worker_stuck_seconds(settings):
    settings.WORKER_STUCK_SECONDS = 120
    ran_canary("w1@host", seconds_ago=200)
    with pytest.raises(CommandError, match=r"w1@host ran no canary task for 200 s \(limit 120 s"):
        worker_alive("--hostname=w1@host", "--wait=0.3")


def test_worker_alive_max_age_overrides_the_setting(settings):
    settings.WORKER_STUCK_SECONDS = 120
    ran_canary("w1@host", seconds_ago=60)
    assert "ran a canary task" in worker_alive("--hostname=w1@host", "--max-age=90")
    with pytest.raises(CommandError, match="ran no canary task for 60 s"):
        worker_alive("--hostname=w1@host", "--max-age=30", "--wait=0.3")


def test_worker_alive_fails_for_a_worker_that_never_ran_a_canary():
    with pytest.raises(CommandError, match="nobody@host never ran a canary task"):
        worker_alive("--hostname=nobody@host", "--wait=0.3")


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_worker_alive_refuses_a_limit_that_is_not_a_positive_number(value):
    with pytest.raises(CommandError, match="--max-age"):
        worker_alive("--hostname=w1@host", f"--max-age={value}")


def test_quiet_canary_drops_only_the_canarys_routine_lines():
    canary = logging.LogRecord("t", logging.INFO, "", 0, "Task %(name)s received", ({"name": CANARY_TASK},), None)
    mail = logging.LogRecord(
        "t", logging.INFO, "", 0, "Task %(name)s received", ({"name": "campaign.core.tasks.outbox_send_task"},), None
    )
    assert not QuietCanary().filter(canary)
    assert QuietCanary().filter(mail)
