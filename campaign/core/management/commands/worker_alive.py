"""A liveness probe for a Celery worker: does it still take tasks from the broker?

It sends the worker a canary task (campaign.core.liveness) and exits 0 when the worker
ran one within --max-age, 1 when it did not: stopped, hung, or connected to the broker
without consuming, which `celery inspect ping` does not see. When the last canary is
too old (the first probe, or probes further apart than --max-age) it waits up to --wait
seconds for the one it just sent. Run it where the worker runs (a Kubernetes exec
probe, a systemd timer): the default node name is Celery's own, celery@<this host>.
"""

from __future__ import annotations

import time
from datetime import timedelta

from celery.utils.nodenames import default_nodename, host_format
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from campaign.core import liveness


def positive_seconds(value: str) -> float:
    seconds = float(value)
    if not seconds > 0:
        raise ValueError(value)
    return seconds


class Command(BaseCommand):
    help = "Exit 0 if the Celery worker ran a canary task recently, 1 if not (a liveness probe)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--hostname",
            "-n",
            default="",
            help="The worker's node name, as given to `celery worker -n` (%%h expands); default celery@<this host>.",
        )
        parser.add_argument(
            "--max-age",
            type=positive_seconds,
            metavar="SECONDS",
            help="How long ago the last canary may have run; default WORKER_STUCK_SECONDS.",
        )
        parser.add_argument(
            "--wait",
            type=positive_seconds,
            default=10.0,
            metavar="SECONDS",
            help="How long to wait for the canary sent now when the last one is too old (default 10).",
        )

    def handle(self, *args, **options) -> None:
        hostname = host_format(default_nodename(options["hostname"]))
        max_age = timedelta(seconds=options["max_age"]) if options["max_age"] else liveness.worker_stuck_after()
        sent = liveness.worker_canary_send(hostname=hostname)
        deadline = time.monotonic() + options["wait"]
        while True:
            try:
                age = liveness.worker_canary_age(hostname=hostname)
            except DatabaseError as error:
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                raise CommandError(f"cannot read {hostname}'s canary: the database is unavailable ({reason})") from None
            if age is not None and age <= max_age:
                self.stdout.write(f"{hostname} ran a canary task {age.total_seconds():.1f} s ago.")
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        last = "never ran a canary task" if age is None else f"ran no canary task for {age.total_seconds():.0f} s"
        broker = "" if sent else " The broker refused the canary: it is unreachable from here."
        raise CommandError(
            f"{hostname} {last} (limit {max_age.total_seconds():.0f} s, waited {options['wait']:.0f} s): "
            "it is stopped, hung, still starting, or connected to the broker without consuming."
            f"{broker}"
        )
