"""The launcher every caller (make run, the tests, the bench) starts the site's processes with."""

import signal
import sys

import psutil
import pytest

from campaign.core import processes
from tests.conftest import wait_until

# A parent that forks a grandchild, as gunicorn and Celery fork their pools, and writes
# its pid where the test reads it.
FORKING = """
import os, signal, sys, time
if {ignore_term}:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if os.fork() == 0:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(os.getpid(), flush=True)
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""


def forking_child(tmp_path, ignore_term: bool = False) -> processes.Child:
    log = tmp_path / "child.log"
    return processes.Child(
        "forking",
        [sys.executable, "-c", FORKING.format(ignore_term=ignore_term)],
        env=processes.environment(),
        log=log,
        ready=lambda child: child.log_since_start().strip().isdigit(),
    )


def test_child_stop_takes_what_it_forked(tmp_path):
    child = forking_child(tmp_path).start(timeout=10)
    grandchild = psutil.Process(int(child.log_since_start()))
    child.stop(grace=5)
    assert child.returncode == -signal.SIGTERM
    wait_until(lambda: not grandchild.is_running() or grandchild.status() == psutil.STATUS_ZOMBIE, timeout=5)


def test_child_stop_kills_a_child_that_ignores_sigterm_once_the_grace_is_over(tmp_path):
    child = forking_child(tmp_path, ignore_term=True).start(timeout=10)
    child.stop(grace=0.5)
    assert child.returncode == -signal.SIGKILL


def test_child_start_reports_a_child_that_exits_before_it_is_ready(tmp_path):
    child = processes.Child(
        "failing",
        [sys.executable, "-c", "print('no such settings'); raise SystemExit(3)"],
        env=processes.environment(),
        log=tmp_path / "failing.log",
        ready=lambda child: False,
    )
    with pytest.raises(RuntimeError, match=r"failing exited \(3\) before it was ready:\nno such settings"):
        child.start(timeout=10)


def test_worker_is_ready_only_once_a_new_ready_line_is_logged(tmp_path):
    log = tmp_path / "worker.log"
    log.write_text("celery@old ready.\n")
    worker = processes.worker(env={}, hostname="w@host", concurrency=1, log=log)
    worker.log_size_at_start = log.stat().st_size
    assert not worker.ready(worker)
    with log.open("a") as output:
        output.write("celery@w ready.\n")
    assert worker.ready(worker)


def test_command_lines_name_the_node_and_bind_where_told():
    assert "--hostname=mail@host" in processes.worker_args(hostname="mail@host", concurrency=2)
    assert "--bind=unix:/run/campaign/gunicorn.sock" in processes.gunicorn_args(
        bind="unix:/run/campaign/gunicorn.sock", workers=3
    )
