"""`make run`: the whole site on one laptop, with nothing to install by hand.

This process owns the embedded PostgreSQL (when DATABASE_URL is unset), prepares the
database, then runs a real Celery worker with beat and the web server as children.
Ctrl-C, SIGINT or SIGTERM stops the children, then the database, in that order.

It also probes the worker as `manage.py worker_alive` does (campaign.core.liveness):
a worker whose process lives but which has stopped taking tasks (celery#8030) is
restarted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from campaign.core import liveness

SHUTDOWN_GRACE_SECONDS = 15
# A worker just (re)started gets this long, beyond WORKER_STUCK_SECONDS, to run its
# first canary: importing Django and forking the pool takes a while on a busy laptop.
WORKER_BOOT_SECONDS = 60


class Command(BaseCommand):
    help = "Run the site: migrate, load the demo, then a Celery worker with beat and the web server."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo")
        call_command("ensure_organiser")

        env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL, "PYTHONUNBUFFERED": "1"}
        # A node name of its own, so that no other worker on the same broker folder
        # (another `make run`, the tests' worker) runs this one's canaries.
        self.worker_name = f"run-site-{settings.PORT}@{socket.gethostname()}"
        children = [
            self._start_worker(env),
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{settings.PORT}"],
                env=env,
                start_new_session=True,
            ),
        ]
        mails = (
            f"sent over SMTP to {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
            if settings.EMAIL_HOST
            else "printed below by the Celery worker (set EMAIL_HOST to send them over SMTP)"
        )
        self.stdout.write(
            "\n"
            f"  The site:    {settings.SITE_URL}/\n"
            f"  The admin:   {settings.SITE_URL}/admin/ (organiser login above)\n"
            f"  Mails:       {mails}\n"
            "  Stop with Ctrl-C.\n"
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        max_age = liveness.worker_stuck_after().total_seconds()
        # Four canaries per limit: one delayed behind a few slow mails is no alarm.
        probe_every = max(1.0, max_age / 4)
        worker_started = next_probe = time.monotonic()
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.3)
                if time.monotonic() < next_probe:
                    continue
                next_probe = time.monotonic() + probe_every
                stuck = self._worker_stuck(time.monotonic() - worker_started, max_age)
                if stuck and not stopping:
                    self.stderr.write(f"The Celery worker {self.worker_name} {stuck}: restarting it.")
                    self._stop(children[:1])
                    children[0] = self._start_worker(env)
                    worker_started = time.monotonic()
        finally:
            self._stop(children)
            self.stdout.write("Stopped the web server and the worker.")
        failed = [child.args[2] for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            self.stderr.write(f"A process stopped unexpectedly: {', '.join(failed)}")
            sys.exit(1)

    def _start_worker(self, env: dict[str, str]) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "campaign",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-mingle",
                "--without-gossip",
                f"--hostname={self.worker_name}",
            ],
            env=env,
            start_new_session=True,
        )

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

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
                # A stopped (SIGSTOP) process would only see the SIGTERM once continued.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGCONT)
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Each child leads its own process group: whatever it forked (pool
            # processes, the embedded beat) goes with it, even if it died early.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
