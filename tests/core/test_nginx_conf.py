"""deploy/nginx.conf, rendered as production would and run for real on loopback in front
of a small upstream that stands in for gunicorn and counts what reaches it."""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from campaign.core import processes
from tests.conftest import free_port, skip_or_fail

TOKEN = "Zk3pQ9-secret-token_a1B2c3"


class Upstream(BaseHTTPRequestHandler):
    """Answers every request with a body naming how many requests came before; letter
    pages and the API say they may be cached, as the app does."""

    seen: list[tuple[str, str]]

    def do_GET(self) -> None:
        self.seen.append((self.command, self.path))
        body = f"answer {len(self.seen)} to {self.path}".encode()
        self.send_response(200)
        if "/letters/" in self.path:
            self.send_header("Cache-Control", "public, s-maxage=30")
        elif self.path.startswith("/api/"):
            self.send_header("Cache-Control", "public, s-maxage=1")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, *args) -> None:
        pass


@dataclass
class Front:
    port: int
    folder: Path
    seen: list[tuple[str, str]]
    child: processes.Child
    upstream: ThreadingHTTPServer

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def access_log(self) -> str:
        """Every line written so far: nginx writes its buffered log out as it stops."""
        self.child.stop()
        return (self.folder / "logs" / "access.log").read_text()


@pytest.fixture
def nginx_binary() -> str:
    binary = processes.nginx_binary()
    if not binary:
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    return binary


@pytest.fixture
def front(nginx_binary, tmp_path) -> Iterator[Front]:
    handler = type("Handler", (Upstream,), {"seen": []})
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    static_root = tmp_path / "static"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "site.0123456789ab.css").write_text("body { color: black }")
    port = free_port()
    child = processes.nginx(
        folder=tmp_path / "nginx", port=port, gunicorn=f"127.0.0.1:{upstream.server_port}", static_root=static_root
    )
    child.start(timeout=10)
    yield Front(port, tmp_path / "nginx", handler.seen, child, upstream)
    child.stop()
    upstream.shutdown()
    upstream.server_close()


def test_nginx_conf_passes_nginx_t_once_rendered(nginx_binary, tmp_path):
    (tmp_path / "cache").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        processes.nginx_config(
            NGINX_USER="www-data",
            NGINX_LISTEN="127.0.0.1:8080",
            SERVER_NAME="letters.example.org",
            GUNICORN="unix:/run/campaign/gunicorn.sock",
            STATIC_ROOT="/srv/campaign/var/static",
            NGINX_CACHE=str(tmp_path / "cache"),
            NGINX_LOGS=str(tmp_path),
        )
    )
    startup_log, pid = tmp_path / "startup.log", tmp_path / "nginx.pid"
    result = subprocess.run(
        [nginx_binary, "-t", "-c", str(config), "-p", str(tmp_path), "-e", str(startup_log), "-g", f"pid {pid};"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_conf_leaves_no_placeholder_unfilled():
    rendered = processes.nginx_config(**dict.fromkeys(processes.NGINX_PLACEHOLDERS, "x"))
    directives = [line for line in rendered.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in directives if "${" in line and "${campaign_log_" not in line]


def test_nginx_access_log_holds_no_token_address_or_query(front):
    paths = [
        f"/letters/ban-face-scans/confirm/{TOKEN}/",
        f"/letters/ban-face-scans/withdraw/{TOKEN}/",
        f"/privacy/my-data/{TOKEN}/",
        f"/privacy/my-data/{TOKEN}/data.json",
        f"/coalition/join/confirm/{TOKEN}/",
        f"/coalition/join/answer/{TOKEN}/",
        f"/coalition/invitation/{TOKEN}/",
        f"/accounts/confirm-email/{TOKEN}/",
        f"/accounts/password/reset/key/4-{TOKEN}/",
        f"/partners/{TOKEN}/",
        f"/letters/ban-face-scans/?next={TOKEN}",
        f"/fr/letters/ban-face-scans/confirm/{TOKEN}/",
        f"/pt-br/privacy/my-data/{TOKEN}/",
    ]
    for path in paths:
        assert front.request("GET", path, headers={"Referer": f"http://127.0.0.1/letters/x/confirm/{TOKEN}/"})[0] == 200
    front.request("POST", f"/letters/ban-face-scans/confirm/{TOKEN}/", body=b"go=1")

    log = front.access_log()
    assert len(log.splitlines()) == len(paths) + 1
    assert TOKEN not in log
    assert "127.0.0.1" not in log
    assert "GET /letters/ban-face-scans/confirm/[token]/ 200" in log
    assert "POST /letters/ban-face-scans/confirm/[token]/ 200" in log
    assert "GET /privacy/my-data/[token]/data.json 200" in log
    assert "GET /accounts/password/reset/key/[token]/ 200" in log
    assert "GET /partners/[token]/ 200" in log
    assert "GET /letters/ban-face-scans/ 200" in log
    assert "GET /fr/letters/ban-face-scans/confirm/[token]/ 200" in log


def test_nginx_access_log_keeps_paths_without_tokens(front):
    front.request("GET", "/privacy/my-data/sent/")
    front.request("GET", "/letters/ban-face-scans/sign/")
    log = front.access_log()
    assert "GET /privacy/my-data/sent/ 200" in log
    assert "GET /letters/ban-face-scans/sign/ 200" in log


def test_nginx_serves_a_public_page_from_its_cache(front):
    first = front.request("GET", "/letters/ban-face-scans/")
    second = front.request("GET", "/letters/ban-face-scans/")
    assert second[2] == first[2]
    assert second[1]["X-Cache"] == "HIT"
    assert front.seen == [("GET", "/letters/ban-face-scans/")]


def test_nginx_keeps_each_language_of_a_page_apart(front):
    for path in ("/letters/ban-face-scans/", "/fr/letters/ban-face-scans/", "/pt-br/letters/ban-face-scans/"):
        first, second = front.request("GET", path), front.request("GET", path)
        assert second[1]["X-Cache"] == "HIT" and second[2] == first[2]
        assert path.encode() in first[2]
    assert len(front.seen) == 3


def test_nginx_conf_names_the_sites_languages_as_prefixes():
    prefixes = {code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE}
    conf = processes.NGINX_CONF.read_text()
    named = set(re.findall(r"\(\?:/\(\?:([a-z|-]+)\)\)\?", conf))
    assert named == {"|".join(sorted(prefixes, key=list(dict(settings.LANGUAGES)).index))}


def test_nginx_never_caches_for_a_session_a_post_or_a_token_path(front):
    for _ in range(2):
        front.request("GET", "/letters/ban-face-scans/", headers={"Cookie": "lang=en; sessionid=abc"})
        front.request("POST", "/letters/ban-face-scans/sign/", body=b"name=x")
        front.request("GET", f"/letters/ban-face-scans/confirm/{TOKEN}/")
        front.request("GET", "/coalition/review/")
    assert len(front.seen) == 8
    assert not list((front.folder / "cache" / "pages").rglob("*"))


def test_nginx_serves_static_files_itself_with_a_long_expiry(front):
    status, headers, body = front.request("GET", "/static/css/site.0123456789ab.css")
    assert (status, body) == (200, b"body { color: black }")
    assert "immutable" in headers["Cache-Control"]
    assert front.seen == []


def test_nginx_refuses_a_body_over_three_megabytes_before_gunicorn(front):
    assert front.request("POST", "/coalition/join/", body=b"x" * (3 * 2**20 + 1))[0] == 413
    assert front.request("POST", "/coalition/join/", body=b"x" * (2 * 2**20))[0] == 200
    assert front.seen == [("POST", "/coalition/join/")]


def test_nginx_serves_the_last_copy_while_gunicorn_is_down(front):
    body = front.request("GET", "/api/petitions/ban-face-scans/")[2]
    time.sleep(2.1)  # the copy has expired (s-maxage=1; nginx counts whole seconds)
    front.upstream.shutdown()
    front.upstream.server_close()
    status, headers, stale = front.request("GET", "/api/petitions/ban-face-scans/")
    assert (status, stale, headers["X-Cache"]) == (200, body, "STALE")
