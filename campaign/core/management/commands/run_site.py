"""`make run`: the whole site on one laptop, with nothing to install by hand.

This process owns the embedded PostgreSQL (when DATABASE_URL is unset), prepares the
database, then runs a real Celery worker with beat and the web server as children.
Ctrl-C, SIGINT or SIGTERM stops the children, then the database, in that order.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

SHUTDOWN_GRACE_SECONDS = 15


class Command(BaseCommand):
    help = "Run the site: migrate, load the demo, then a Celery worker with beat and the web server."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo")
        call_command("ensure_organiser")

        env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL, "PYTHONUNBUFFERED": "1"}
        python = sys.executable
        children = [
            subprocess.Popen(
                [
                    python,
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
                ],
                env=env,
                start_new_session=True,
            ),
            subprocess.Popen(
                [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{settings.PORT}"],
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
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.3)
        finally:
            self._stop(children)
        failed = [child.args[2] for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            self.stderr.write(f"A process stopped unexpectedly: {', '.join(failed)}")
            sys.exit(1)

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Each child leads its own process group: whatever it forked (pool
            # processes, the embedded beat) goes with it, even if it died early.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        self.stdout.write("Stopped the web server and the worker.")
