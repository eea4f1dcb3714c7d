"""`make run`'s supervisor: serves the site, and SIGINT/SIGTERM leave nothing behind."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest import BASE_DIR, free_port, wait_until

pytestmark = [pytest.mark.integration]


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status
    except OSError:
        return 0


def leftovers(port: int) -> list[str]:
    """Every process started for this run (they all carry its PORT) that still lives."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        try:
            if process.environ().get("PORT") == str(port) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(" ".join(process.info["cmdline"] or []))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_run_site_serves_and_stops_every_child(stop_signal, tmp_path: Path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "ORGANISER_PASSWORD": "a-test-password-123"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_site"], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until(lambda: fetch(f"http://127.0.0.1:{port}/api/petitions/") == 200, timeout=90, what="the site")
        output = (tmp_path / "run.log").read_text()
        assert "Organiser login: organiser@example.org / a-test-password-123" in output
        children = psutil.Process(process.pid).children(recursive=True)
        commands = [" ".join(child.cmdline()) for child in children]
        for part in ("-m gunicorn campaign.wsgi", "-m celery -A campaign worker", "-m celery -A campaign beat"):
            assert any(part in command for command in commands), (part, commands)
        process.send_signal(stop_signal)
        assert process.wait(timeout=60) == 0
        for child in children:
            assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE, child.cmdline()
        assert leftovers(port) == []
        assert fetch(f"http://127.0.0.1:{port}/") == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_run_site_restarts_a_worker_that_stops_consuming(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "ORGANISER_PASSWORD": "a-test-password-123", "WORKER_STUCK_SECONDS": "4"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    worker_name = f"run-site-{port}@{socket.gethostname()}"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
        )

    def worker() -> psutil.Process:
        (found,) = [
            child
            for child in psutil.Process(process.pid).children()
            if "campaign worker" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE
        ]
        return found

    log_path = tmp_path / "run.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_site"],
        cwd=BASE_DIR,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: fetch(f"http://127.0.0.1:{port}/api/petitions/") == 200, timeout=90, what="the site")
        wait_until(
            lambda: run("manage.py", "worker_alive", f"--hostname={worker_name}").returncode == 0,
            timeout=60,
            what="the worker's first canary",
        )
        stuck = worker()
        # Connected and answering, taking no task: the state celery#8030 leaves it in.
        for queue in ("celery", f"{worker_name}.dq2"):
            cancelled = run(
                "-m",
                "celery",
                "-A",
                "campaign",
                "control",
                "cancel_consumer",
                queue,
                f"--destination={worker_name}",
                "--timeout=10",
            )
            assert f"no longer consuming from {queue}" in cancelled.stdout, cancelled.stdout + cancelled.stderr
        assert "restarting it" not in log_path.read_text()

        wait_until(lambda: "restarting it" in log_path.read_text(), timeout=60, what="run_site to restart the worker")
        assert f"The Celery worker {worker_name} has run no canary task for" in log_path.read_text()
        wait_until(lambda: not stuck.is_running() or stuck.status() == psutil.STATUS_ZOMBIE, timeout=30)
        wait_until(
            lambda: run("manage.py", "worker_alive", f"--hostname={worker_name}").returncode == 0,
            timeout=60,
            what="the new worker's canary",
        )
        assert worker().pid != stuck.pid
        assert process.poll() is None

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert leftovers(port) == []
    finally:
        if process.poll() is None:
            process.kill()
