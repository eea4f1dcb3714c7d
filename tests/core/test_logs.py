"""Logs: an optional JSON format, a request id per request and a task id per task, and
still never a name, an address or an IP."""

import io
import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from campaign.core.logs import JsonFormatter, RequestContext
from tests.conftest import BASE_DIR
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data

REQUEST_ID = "3f2b8c1e9d7a4b6f8e0c1d2a3b4c5d6e"


@pytest.fixture
def json_log():
    """What the root logger writes, as the JSON format writes it (settings.LOGGING)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


def test_request_id_is_made_for_each_request_and_sent_back(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_request_id_from_the_proxy_is_kept(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=REQUEST_ID)["X-Request-ID"] == REQUEST_ID


@pytest.mark.parametrize("sent", ["amara@example.org", "203.0.113.9", "Amara Okafor", "fe80::1", "0" * 65, "abc"])
def test_request_id_that_could_carry_personal_data_is_replaced(client, sent):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    assert kept != sent
    assert len(kept) == 32


def test_json_formatter_writes_one_object_a_line_with_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("campaign.x", logging.ERROR, __file__, 1, "failed %s", ("once",), sys.exc_info())
    RequestContext().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "failed once"
    assert parsed["level"] == "ERROR"
    assert parsed["logger"] == "campaign.x"
    assert "ValueError: boom" in parsed["exception"]
    assert "request_id" not in parsed  # outside a request


@pytest.mark.django_db(transaction=True)
def test_signing_with_json_logs_writes_ids_and_no_name_address_or_ip(client, json_log, mailoutbox):
    # transaction=True: the mail task runs (eagerly) when the view commits, inside the request.
    petition = PetitionFactory()
    token = secrets.token_hex(6)
    name, email = f"Logged Signer {token}", f"logged.{token}@example.org"
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    response = client.post(url, sign_data(name=name, email=email), HTTP_X_REQUEST_ID=REQUEST_ID)
    assert response.status_code == 302
    assert response["X-Request-ID"] == REQUEST_ID
    assert len(mailoutbox) == 1
    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines, "signing logged nothing: the test would prove nothing"
    assert all(line["request_id"] == REQUEST_ID for line in lines), lines
    assert any(line.get("task_id") for line in lines), lines  # the mail's task
    assert token not in text.lower()  # neither the name nor the address
    assert "127.0.0.1" not in text  # the test client's IP


def test_log_format_json_is_what_the_site_writes():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": "postgres://unused@127.0.0.1:5432/unused",
        "DJANGO_LOG_FORMAT": "json",
    }
    code = "import logging; logging.getLogger('campaign.test').warning('hello %s', 'there')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"logger": "campaign.test", "level": "WARNING", "message": "hello there"}.items() <= lines[-1].items()
