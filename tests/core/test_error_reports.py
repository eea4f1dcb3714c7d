"""Error reports (sentry-sdk, Sentry or GlitchTip): off unless SENTRY_DSN is set, and
what they carry names no one."""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from typing import ClassVar

from campaign.core.logs import request_id
from campaign.core.sentry import scrub
from tests.conftest import BASE_DIR, free_port

OPTIONS = """
import json, sentry_sdk
client = sentry_sdk.get_client()
names = ("send_default_pii", "max_request_body_size", "include_local_variables")
options = {name: client.options[name] for name in names}
print(json.dumps({
    "active": client.is_active(),
    "before_send": client.options["before_send"].__qualname__,
    "integrations": sorted(client.integrations),
    **options,
}))
"""


def shell(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": "postgres://unused@127.0.0.1:5432/unused",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def event() -> dict:
    """An event as sentry-sdk's Django integration builds it, before before_send."""
    return {
        "user": {"id": "7", "email": "organiser@example.org", "ip_address": "203.0.113.9"},
        "request": {
            "url": "https://campaign.example/letters/ban/withdraw/abc123token/",
            "method": "POST",
            "query_string": "next=/admin/",
            "cookies": {"sessionid": "secret-session"},
            "data": {"name": "Amara Okafor", "email": "amara@example.org"},
            "env": {"REMOTE_ADDR": "203.0.113.9", "SERVER_NAME": "web-1"},
            "headers": {
                "Host": "campaign.example",
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "sessionid=secret-session",
                "Referer": "https://campaign.example/letters/ban/withdraw/abc123token/",
                "User-Agent": "Mozilla/5.0",
                "X-Forwarded-For": "203.0.113.9",
                "X-Request-Id": "3f2b8c1e9d7a4b6f8e0c1d2a3b4c5d6e",
            },
        },
        "exception": {
            "values": [
                {"type": "IntegrityError", "value": "Key (email)=(amara@example.org) exists; from 203.0.113.9:5432"}
            ]
        },
        "logentry": {"message": "refused %s", "params": ["amara@example.org"]},
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 1", "data": {"params": ["Amara"]}}]},
        "extra": {"celery-job": {"args": [42], "kwargs": {"to": "amara@example.org"}}},
    }


def test_scrub_keeps_no_user_cookie_body_url_or_personal_header():
    scrubbed = scrub(event(), {})
    assert "user" not in scrubbed
    assert scrubbed["request"] == {
        "method": "POST",
        "headers": {
            "Host": "campaign.example",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Request-Id": "3f2b8c1e9d7a4b6f8e0c1d2a3b4c5d6e",
        },
    }
    assert scrubbed["breadcrumbs"]["values"] == [{"category": "query", "message": "SELECT 1"}]
    text = json.dumps(scrubbed)
    for personal in ("amara@example.org", "Amara", "203.0.113.9", "secret-session", "abc123token"):
        assert personal not in text
    assert scrubbed["exception"]["values"][0]["value"] == "Key (email)=([address]) exists; from [ip]:5432"
    assert scrubbed["extra"]["celery-job"]["args"] == [42]


def test_scrub_tags_the_event_with_the_request_id():
    token = request_id.set("3f2b8c1e9d7a4b6f8e0c1d2a3b4c5d6e")
    try:
        assert scrub(event(), {})["tags"]["request_id"] == "3f2b8c1e9d7a4b6f8e0c1d2a3b4c5d6e"
    finally:
        request_id.reset(token)


def test_sentry_is_not_loaded_without_a_dsn():
    result = shell("import sys; print('sentry_sdk' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_sentry_with_a_dsn_sends_no_personal_data():
    result = shell(OPTIONS, SENTRY_DSN="http://public@127.0.0.1:9/1")
    assert result.returncode == 0, result.stderr
    client = json.loads(result.stdout.splitlines()[-1])
    assert client["active"] is True
    assert client["before_send"] == "scrub"
    assert {"django", "celery"} <= set(client["integrations"])
    assert client["send_default_pii"] is False
    assert client["max_request_body_size"] == "never"
    assert client["include_local_variables"] is False


class EnvelopeSink(http.server.BaseHTTPRequestHandler):
    """A Sentry or GlitchTip server that keeps the envelopes it receives."""

    received: ClassVar[list[bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


REQUEST_FAILS = """
import io, sentry_sdk
from wsgiref.util import setup_testing_defaults
from django.core.wsgi import get_wsgi_application
body = b"name=Amara+Okafor&email=amara%40example.org"
environ = {
    "REQUEST_METHOD": "POST",
    "PATH_INFO": "/letters/ban/withdraw/abc123token/",
    "QUERY_STRING": "next=abc123token",
    "HTTP_HOST": "testserver",
    "HTTP_COOKIE": "sessionid=secret-session",
    "HTTP_REFERER": "http://testserver/letters/ban/withdraw/abc123token/",
    "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    "HTTP_X_REQUEST_ID": "3f2b8c1e9d7a4b6f8e0c1d2a3b4c5d6e",
    "REMOTE_ADDR": "203.0.113.9",
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "CONTENT_LENGTH": str(len(body)),
    "wsgi.input": io.BytesIO(body),
}
setup_testing_defaults(environ)
statuses = []
b"".join(get_wsgi_application()(environ, lambda status, headers, *args: statuses.append(status)))
print(statuses[0].split()[0])
sentry_sdk.flush(10)
"""


def test_sentry_report_of_a_failed_request_names_no_one(tmp_path):
    # A request through WSGI, as gunicorn makes it, while the database is unreachable:
    # it fails, and sentry-sdk reports the error with what it knows of the request.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EnvelopeSink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    EnvelopeSink.received.clear()
    try:
        # From a file: sentry-sdk reports the process's argv, which must not hold the data.
        script = tmp_path / "request_fails.py"
        script.write_text(REQUEST_FAILS)
        result = shell(
            f"exec(open({str(script)!r}).read())",
            SENTRY_DSN=f"http://public@127.0.0.1:{server.server_port}/1",
            DATABASE_URL=f"postgres://nobody@127.0.0.1:{free_port()}/none",
            DJANGO_ALLOWED_HOSTS="testserver",
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "500"
    sent = b"".join(EnvelopeSink.received).decode()
    assert '"type":"event"' in sent.replace(" ", "")  # something was reported
    for personal in ("amara@example.org", "Amara Okafor", "203.0.113.9", "secret-session", "abc123token"):
        assert personal not in sent
    assert "3f2b8c1e9d7a4b6f8e0c1d2a3b4c5d6e" in sent  # findable by its request id
