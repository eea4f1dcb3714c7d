"""The workers' liveness probe, `manage.py worker_alive`, against real workers on a
broker of their own: it passes while a worker consumes and fails once it stops,
including the state `celery inspect ping` misses (connected, answering, taking no task)."""

from __future__ import annotations

import os
import signal
import time

import pytest

pytestmark = [pytest.mark.integration]

MAX_AGE = 2


def test_worker_alive_passes_for_a_worker_that_consumes(make_stack):
    stack = make_stack()
    stack.start_worker()
    probe = stack.worker_alive("--max-age=5")
    assert probe.returncode == 0, probe.stderr
    assert f"{stack.worker_name} ran a canary task" in probe.stdout
    # Routine canaries stay out of the worker's log, where `make run` prints the mails.
    assert "ready." in stack.worker.log() and "worker_canary_task[" not in stack.worker.log()


def test_worker_alive_fails_for_a_worker_that_answers_ping_but_consumes_nothing(make_stack):
    stack = make_stack()
    stack.start_worker()
    assert stack.worker_alive("--max-age=5").returncode == 0

    stack.stop_consuming()
    time.sleep(MAX_AGE)  # the canary run by the first probe is now too old
    ping = stack.celery("inspect", "ping", f"--destination={stack.worker_name}", "--timeout=5")
    assert ping.returncode == 0 and "pong" in ping.stdout, ping.stdout + ping.stderr
    probe = stack.worker_alive(f"--max-age={MAX_AGE}", "--wait=3")
    assert probe.returncode == 1
    assert f"{stack.worker_name} ran no canary task for" in probe.stderr
    assert "connected to the broker without consuming" in probe.stderr

    # The verdict follows the worker: consuming again, it passes again.
    for queue in ("celery", f"{stack.worker_name}.dq2"):
        stack.celery("control", "add_consumer", queue, f"--destination={stack.worker_name}", "--timeout=10")
    assert stack.worker_alive(f"--max-age={MAX_AGE}").returncode == 0


def test_worker_alive_fails_for_a_frozen_worker_and_passes_once_it_runs_again(make_stack):
    stack = make_stack()
    stack.start_worker()
    assert stack.worker_alive("--max-age=5").returncode == 0

    os.killpg(stack.worker.process.pid, signal.SIGSTOP)
    try:
        time.sleep(MAX_AGE)
        probe = stack.worker_alive(f"--max-age={MAX_AGE}", "--wait=3")
    finally:
        os.killpg(stack.worker.process.pid, signal.SIGCONT)
    assert probe.returncode == 1
    assert f"{stack.worker_name} ran no canary task for" in probe.stderr
    assert stack.worker_alive(f"--max-age={MAX_AGE}").returncode == 0


def test_worker_alive_fails_for_a_worker_that_never_ran(make_stack):
    stack = make_stack()
    probe = stack.worker_alive("--wait=1")
    assert probe.returncode == 1
    assert f"{stack.worker_name} never ran a canary task" in probe.stderr
