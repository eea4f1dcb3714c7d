"""Shared fixtures: real parts only (Postgres, a Celery worker, an SMTP sink, Chromium)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from campaign.core import processes

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> None:
    """Under CI a browser or integration test that would skip fails instead."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a skip here is a failure)", pytrace=False)
    pytest.skip(reason)


def wait_until(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# --- SMTP sink --------------------------------------------------------------------------


class SmtpSink:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.reply: str | None = None  # e.g. "451 try later" to refuse mail
        self.refuse: dict[str, str] = {}  # the same, for some recipients only
        self.delay = 0.0  # seconds before answering DATA, to keep mails in flight
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply:
            return self.reply
        for recipient in envelope.rcpt_tos:
            if recipient.lower() in self.refuse:
                return self.refuse[recipient.lower()]
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)  # Bcc recipients appear only here
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
        self.reply = None
        self.refuse = {}
        self.delay = 0.0

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            # A notice to organisers has no To header: they are all in Bcc.
            return [message for message in self.messages if address.lower() in (message["To"] or "").lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        return wait_until(
            lambda: (found := self.to(address)) and len(found) >= count and found,
            timeout=timeout,
            what=f"{count} mail(s) to {address}",
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def smtp(smtp_sink: SmtpSink) -> SmtpSink:
    smtp_sink.clear()
    return smtp_sink


# --- The cache --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _cache_kept_to_its_test(request, django_db_blocker):
    """Tests use the database cache, whose rows a test's rollback takes away. A test that
    commits (transactional_db, live_server) ends with a flush, which leaves the cache's
    table alone: without this, a later test would read pages and lookups cached from
    another test's data (a source code's id, a letter)."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        clear_database_cache(django_db_blocker)


def clear_database_cache(django_db_blocker) -> None:
    """Empty the database cache (never a Redis another process may share)."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    if isinstance(caches["default"], DatabaseCache):
        with django_db_blocker.unblock():
            caches["default"].clear()


# --- Celery worker ----------------------------------------------------------------------


def database_url_for_children() -> str:
    """The test database, as a URL a child process can use."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, live_server, smtp_sink, tmp_path_factory):
    """A real worker process on the real broker, with the test database and the sink."""
    with django_db_blocker.unblock():
        database_url = database_url_for_children()
    env = processes.environment(
        DJANGO_SETTINGS_MODULE="campaign.settings",
        DATABASE_URL=database_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_sink.port),
        SITE_URL=live_server.url,
    )
    broker_dir = os.environ.get("CAMPAIGN_BROKER_DIR")
    if settings.CELERY_BROKER_URL == "filesystem://" and broker_dir:
        shutil.rmtree(broker_dir, ignore_errors=True)
        Path(broker_dir, "queue").mkdir(parents=True, exist_ok=True)
        Path(broker_dir, "processed").mkdir(parents=True, exist_ok=True)
    worker = processes.worker(
        env=env,
        hostname=f"tests-{os.getpid()}@{socket.gethostname()}",
        concurrency=2,
        log=tmp_path_factory.mktemp("worker") / "worker.log",
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(celery_worker_process, transactional_db, smtp):
    """Tasks go to the real worker for this test (the in-process default is eager)."""
    from campaign.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True


# --- Browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made
    # by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
