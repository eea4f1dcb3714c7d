"""The axe results of tests/browser/test_axe.py, listed after the run (a test's own output
is captured; this list is what the closing notes of an accessibility change quote)."""

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

AXE_SUMMARY = pytest.StashKey[list[str]]()


def pytest_configure(config):
    config.stash[AXE_SUMMARY] = []


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(AXE_SUMMARY, [])
    if lines:
        terminalreporter.section("axe: page, address, width, violations by impact")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def another_site() -> Iterator[Callable[[str, bytes], str]]:
    """A second web server on the loopback, standing for another site (a partner's, an
    attacker's): yields a function that takes the host name to serve under and a page's
    HTML, and returns the page's address."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(host: str, html: bytes) -> str:
        path = f"/page-{len(pages)}.html"
        pages[path] = html
        return f"http://{host}:{server.server_address[1]}{path}"

    yield serve
    server.shutdown()
    server.server_close()
