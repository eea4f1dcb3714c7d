"""Fixtures for the fault tests: a whole production-like stack per test."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import BASE_DIR, database_url_for_children
from tests.integration.stack import SECRET_KEY, Broker, Stack


@pytest.fixture(scope="session")
def collected_static():
    """Debug off means hashed static names: the manifest must exist."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "campaign.settings", "DJANGO_DEBUG": "false"}
    env["DJANGO_SECRET_KEY"] = SECRET_KEY
    # Debug off names every part; collectstatic reaches none of them.
    env |= {"SITE_URL": "http://127.0.0.1", "DATABASE_URL": "postgres://unused/unused", "EMAIL_HOST": "127.0.0.1"}
    env |= {"CELERY_BROKER_URL": "filesystem://", "CACHE_URL": "dbcache://"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )


@pytest.fixture
def make_stack(transactional_db, smtp, collected_static, tmp_path):
    """make_stack(**env) → a Stack with its broker up; the test starts the parts it needs.
    Everything stops (and the broker goes away) before the database is flushed."""
    stacks: list[Stack] = []
    database_url = database_url_for_children()
    kind = "redis" if settings.CELERY_BROKER_URL.startswith("redis") else "filesystem"

    def make(**env: str) -> Stack:
        broker = Broker(kind, tmp_path / f"broker{len(stacks)}")
        stack = Stack(tmp_path=tmp_path, database_url=database_url, smtp_port=smtp.port, broker=broker, env=env)
        stacks.append(stack)
        broker.up()
        return stack

    yield make
    for stack in stacks:
        stack.stop()
