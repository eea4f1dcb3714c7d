"""`make run`: the whole site on one laptop, with nothing to install by hand.

This process owns the embedded PostgreSQL (when DATABASE_URL is unset), prepares the
database, then runs a real Celery worker, beat and gunicorn as children, started
and stopped by campaign.core.processes as production's are.
Ctrl-C, SIGINT or SIGTERM stops the children, then the database, in that order.

It also probes the worker as `manage.py worker_alive` does (campaign.core.liveness):
a worker whose process lives but which has stopped taking tasks (celery#8030) is
restarted.
"""

from __future__ import annotations

import signal
import socket
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from campaign.core import liveness, processes

SHUTDOWN_GRACE_SECONDS = 15
# A worker just (re)started gets this long, beyond WORKER_STUCK_SECONDS, to run its
# first canary: importing Django and forking the pool takes a while on a busy laptop.
WORKER_BOOT_SECONDS = 60


class Command(BaseCommand):
    help = "Run the site: migrate, load the demo, then a Celery worker, beat and the web server."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo")
        call_command("ensure_organiser")

        env = processes.environment(DATABASE_URL=settings.DATABASE_URL)
        # A node name of its own, so that no other worker on the same broker folder
        # (another `make run`, the tests' worker) runs this one's canaries.
        self.worker_name = f"run-site-{settings.PORT}@{socket.gethostname()}"
        worker = processes.worker(env=env, hostname=self.worker_name, concurrency=2)
        children = [
            worker,
            processes.beat(env=env),
            processes.web(env=env, bind=f"127.0.0.1:{settings.PORT}", workers=2),
        ]
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for child in children:
                child.start()
            self._supervise(children, lambda: stopping)
        finally:
            processes.stop_all(children, SHUTDOWN_GRACE_SECONDS)
            self.stdout.write("Stopped the web server, the worker and beat.")
        failed = [child.name for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            self.stderr.write(f"A process stopped unexpectedly: {', '.join(failed)}")
            sys.exit(1)

    def _supervise(self, children: list[processes.Child], stopping) -> None:
        """Serve until asked to stop or a child exits; restart the worker when it is stuck."""
        worker = children[0]
        mails = (
            f"sent over SMTP to {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
            if settings.EMAIL_HOST
            else "printed below by the Celery worker (set EMAIL_HOST to send them over SMTP)"
        )
        self.stdout.write(
            "\n"
            f"  The site:    {settings.SITE_URL}/\n"
            f"  Organisers:  {settings.SITE_URL}/organise/ and {settings.SITE_URL}/admin/ (login above)\n"
            f"  Mails:       {mails}\n"
            "  Stop with Ctrl-C.\n"
        )

        max_age = liveness.worker_stuck_after().total_seconds()
        # Four canaries per limit: one delayed behind a few slow mails is no alarm.
        probe_every = max(1.0, max_age / 4)
        worker_started = next_probe = time.monotonic()
        while not stopping() and all(child.running() for child in children):
            time.sleep(0.3)
            if time.monotonic() < next_probe:
                continue
            next_probe = time.monotonic() + probe_every
            stuck = self._worker_stuck(time.monotonic() - worker_started, max_age)
            if stuck and not stopping():
                self.stderr.write(f"The Celery worker {self.worker_name} {stuck}: restarting it.")
                worker.stop(SHUTDOWN_GRACE_SECONDS)
                worker.start()
                worker_started = time.monotonic()

    def _worker_stuck(self, running: float, max_age: float) -> str:
        """Why the worker counts as stuck, or "" while it runs its canaries (or starts).
        Judged on the canaries sent before; the one sent now is for the next look."""
        try:
            age = liveness.worker_canary_age(hostname=self.worker_name)
            liveness.worker_canary_send(hostname=self.worker_name)
        except DatabaseError:
            # The database is away: nobody can tell, and a new worker would not help.
            connection.close()
            return ""
        if age is None or age.total_seconds() >= running:  # no canary since this start
            if running > WORKER_BOOT_SECONDS + max_age:
                return f"has run no canary task in the {running:.0f} s since it started"
            return ""
        if age.total_seconds() > max_age:
            return (
                f"has run no canary task for {age.total_seconds():.0f} s (limit {max_age:.0f} s): "
                "its process lives, but it is hung or no longer consumes from the broker"
            )
        return ""
