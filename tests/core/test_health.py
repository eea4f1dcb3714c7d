"""/healthz and /readyz: answered before the host check, cheap, no cookie, no data."""

import json
import logging
import socket
import time

import pytest

from campaign.celery import app
from tests.conftest import free_port


def redis_cache_at(port: int) -> dict:
    return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}}


@pytest.fixture
def production_host_rules(settings):
    """Only the site's own name is allowed, and plain http is redirected, as in production."""
    settings.ALLOWED_HOSTS = ["campaign.example"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.fixture
def closed_broker():
    saved = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    yield
    app.conf.broker_url = saved


def test_healthz_answers_a_probe_by_ip_over_http_without_database_or_cache(client, settings, production_host_rules):
    settings.CACHES = redis_cache_at(free_port())  # nobody listens there
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # no `db` fixture: a query would fail the test
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    # The same probe of any other page meets the host check.
    assert client.get("/api/petitions/", HTTP_HOST="10.0.0.7").status_code == 400


@pytest.mark.django_db
def test_readyz_names_every_part_ok(client, production_host_rules):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_is_503_naming_an_unreachable_cache(client, settings):
    settings.CACHES = redis_cache_at(free_port())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "cache": "unavailable", "broker": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_503_naming_an_unreachable_broker(client, closed_broker):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "cache": "ok", "broker": "unavailable"}


@pytest.mark.django_db
def test_readyz_answers_within_its_bound_when_a_part_hangs(client, settings):
    # A server that accepts connections and never answers; no client timeout configured.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CACHES = redis_cache_at(silent.getsockname()[1])
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert json.loads(response.content)["cache"] == "timeout"
    assert elapsed < 4


@pytest.mark.django_db
def test_readyz_that_fails_logs_a_warning_not_an_error(client, settings, caplog):
    settings.CACHES = redis_cache_at(free_port())
    with caplog.at_level(logging.INFO):
        assert client.get("/readyz").status_code == 503
    assert [(r.name, r.levelname) for r in caplog.records] == [("campaign.core.health", "WARNING")]
