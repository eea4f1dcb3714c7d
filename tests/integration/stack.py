"""The production-like pieces the fault tests start and break: a gunicorn web server,
a private broker (a folder or a redis-server of its own), a Celery worker and beat
(launched by campaign.core.processes, as `make run` and the bench launch them),
a TCP proxy in front of PostgreSQL that can be cut, and a plain HTTP client that
signs like a browser (a form's CSRF cookie and token where it has them)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from campaign.core import processes
from tests.conftest import BASE_DIR, free_port, skip_or_fail

SECRET_KEY = secrets.token_urlsafe(50)
TOKEN_INPUT = re.compile(r'<input[^>]*name="(csrfmiddlewaretoken|stamp)"[^>]*value="([^"]*)"')


# --- HTTP ---------------------------------------------------------------------------------


def publish_tasks(env: dict[str, str], calls: list[tuple[str, list]]) -> None:
    """Publish tasks to the broker `env` names, from another process, as beat would."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, django; django.setup();"
            "from campaign.celery import app;"
            "[app.send_task(name, args=args) for name, args in json.loads(sys.argv[1])]",
            json.dumps(calls),
        ],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=60,
    )


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]
    seconds: float


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its own cookies, no redirects followed, a short timeout."""

    def __init__(self, base_url: str, timeout: float = 15) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310 - loopback only
        if data is not None:
            request.add_header("Referer", self.base_url + path)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as reply:
                status, content, headers = reply.status, reply.read(), dict(reply.headers)
        except urllib.error.HTTPError as error:
            status, content, headers = error.code, error.read(), dict(error.headers)
        return Response(status, content.decode(errors="replace"), headers, time.monotonic() - started)

    def get(self, path: str) -> Response:
        return self.request(path)

    def post_form(self, page: str, action: str, fields: dict) -> Response:
        """Load the page holding the form, then post it with its CSRF token (and stamp)."""
        tokens = dict(TOKEN_INPUT.findall(self.get(page).body))
        return self.request(action, {**tokens, **fields})

    def login(self, email: str, password: str, totp_secret: str | None = None) -> Response:
        """Log in through allauth, with the authenticator app's code when asked for it."""
        response = self.post_form("/accounts/login/", "/accounts/login/", {"login": email, "password": password})
        step = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        if totp_secret and response.status == 302 and "2fa" in step:
            from tests.accounts.helpers import totp_code

            response = self.post_form(step, step, {"code": totp_code(totp_secret)})
        return response

    def prepare_sign(self, slug: str) -> dict:
        page = self.get(f"/letters/{slug}/").body
        # The action may end in #errors, where a failed form comes back.
        assert f'action="/letters/{slug}/sign/' in page, "the letter page lost its sign form"
        return dict(TOKEN_INPUT.findall(page))

    def sign(self, slug: str, email: str, tokens: dict | None = None, name: str = "Amara Okafor") -> Response:
        tokens = self.prepare_sign(slug) if tokens is None else tokens
        fields = {"name": name, "email": email, "country": "GB", "consent": "on", "website": ""}
        return self.request(f"/letters/{slug}/sign/", {**tokens, **fields})


# --- Processes ----------------------------------------------------------------------------


class Broker:
    """A broker of the test's own, of the kind the suite runs on, that can go down.

    Redis: a redis-server of the test's own, killed (losing what it held, as it keeps
    nothing on disk) and started again on the same port. Folder: the web server and
    beat publish through a symlink to the worker's folder; removing the link makes
    every publish fail while the worker keeps polling an empty folder (kombu's folder
    transport cannot survive its own folder vanishing, so the worker's side stays).
    """

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.link = folder.with_name(folder.name + "-publish")
        self.process: processes.Child | None = None
        self.port = 0
        if kind == "redis":
            if not shutil.which("redis-server"):
                skip_or_fail("redis-server is not installed (apt-get install redis-server)")
            self.port = free_port()
            self.url = f"redis://127.0.0.1:{self.port}/0"
            self.env = {"CELERY_BROKER_URL": self.url}
            self.publisher_env = self.env
        else:
            self.url = "filesystem://"
            self.env = {"CELERY_BROKER_URL": "filesystem://", "CAMPAIGN_BROKER_DIR": str(folder)}
            self.publisher_env = {**self.env, "CAMPAIGN_BROKER_DIR": str(self.link)}

    def up(self) -> None:
        if self.kind == "redis":
            args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            self.process = processes.Child(
                "redis",
                args,
                env=processes.environment(),
                log=self.folder.with_name(self.folder.name + "-redis.log"),
                ready=lambda child: processes.port_open(self.port),
            ).start(timeout=10)
        else:
            for name in ("queue", "processed"):
                (self.folder / name).mkdir(parents=True, exist_ok=True)
            if not self.link.is_symlink():
                self.link.symlink_to(self.folder, target_is_directory=True)

    def down(self) -> None:
        if self.kind == "redis":
            self.process.kill()
        else:
            self.link.unlink()

    def stop(self) -> None:
        if self.kind == "redis" and self.process is not None:
            self.process.kill()


class CuttableProxy:
    """A TCP proxy to PostgreSQL. cut() drops every connection and refuses new ones,
    as a restarting server does; restore() lets connections through again."""

    def __init__(self, target: str | tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def _connect_target(self) -> socket.socket:
        upstream = socket.socket(socket.AF_UNIX) if isinstance(self.target, str) else socket.socket()
        upstream.connect(self.target)
        return upstream

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = self._connect_target()
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):  # shutdown wakes the blocked accept()
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def database_target(settings_dict: dict) -> str | tuple[str, int]:
    host = settings_dict["HOST"] or "/var/run/postgresql"
    port = int(settings_dict.get("PORT") or 5432)
    return f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)


class Stack:
    """gunicorn + Celery worker + beat on a broker of the test's own, against the
    test database, mailing to the SMTP sink. Production settings (debug off)."""

    def __init__(self, *, tmp_path: Path, database_url: str, smtp_port: int, broker: Broker, env: dict) -> None:
        self.tmp_path = tmp_path
        self.broker = broker
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = processes.environment(
            DJANGO_SETTINGS_MODULE="campaign.settings",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=SECRET_KEY,
            DATABASE_URL=database_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            SITE_URL=self.url,
            SIGN_MIN_FILL_SECONDS="0",
            SIGN_RATE_PER_IP_PER_HOUR="100000",
            SIGN_RATE_PER_ADDRESS_PER_HOUR="100000",
            # Debug off takes no default: the database cache unless the run has Redis for it.
            **{"CACHE_URL": os.environ.get("CACHE_URL") or "dbcache://", **broker.env, **env},
        )
        self.web: processes.Child | None = None
        self.beat: processes.Child | None = None
        self.worker: processes.Child | None = None
        # A node name of its own: the liveness canaries of this stack's worker must not
        # be mistaken for those of another worker writing to the same test database.
        self.worker_name = f"stack-{self.port}@{socket.gethostname()}"

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start_web(self, database_url: str | None = None, workers: int = 2, **settings: str) -> None:
        """gunicorn on the stack's port; `settings` are more environment variables."""
        env = {**self.env, **self.broker.publisher_env, **settings}
        if database_url:
            env["DATABASE_URL"] = database_url
        self.web = processes.web(
            env=env, bind=f"127.0.0.1:{self.port}", workers=workers, timeout=60, log=self.tmp_path / "web.log"
        ).start(timeout=30)

    def start_worker(self, concurrency: int = 2) -> None:
        self.worker = processes.worker(
            env=self.env, hostname=self.worker_name, concurrency=concurrency, log=self.tmp_path / "worker.log"
        ).start()

    def start_beat(self) -> None:
        self.beat = processes.beat(
            env={**self.env, **self.broker.publisher_env},
            schedule=self.tmp_path / "beat-schedule",
            log=self.tmp_path / "beat.log",
        ).start()

    def worker_children(self):
        import psutil

        return psutil.Process(self.worker.pid).children()

    def manage(self, *args: str, **env: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **env},
            check=True,
            timeout=120,
            capture_output=True,
        )

    def _worker_alive_command(self, *args: str) -> list[str]:
        return [sys.executable, "manage.py", "worker_alive", f"--hostname={self.worker_name}", *args]

    def worker_alive(self, *args: str) -> subprocess.CompletedProcess:
        """The product's liveness probe for this stack's worker, run where the worker runs
        (its environment: with the folder broker, the worker's side of it)."""
        return subprocess.run(
            self._worker_alive_command(*args), cwd=BASE_DIR, env=self.env, timeout=120, capture_output=True, text=True
        )

    def celery(self, *args: str) -> subprocess.CompletedProcess:
        """`celery -A campaign ...` against this stack's broker (control and inspect)."""
        return subprocess.run(
            [sys.executable, "-m", "celery", "-A", "campaign", *args],
            cwd=BASE_DIR,
            env=self.env,
            timeout=120,
            capture_output=True,
            text=True,
        )

    def stop_consuming(self) -> None:
        """Make the worker stop taking tasks while it stays connected and answers pings:
        the state Celery's Redis reconnection bug (celery#8030) leaves a worker in."""
        for queue in ("celery", f"{self.worker_name}.dq2"):
            result = self.celery(
                "control", "cancel_consumer", queue, f"--destination={self.worker_name}", "--timeout=10"
            )
            assert f"no longer consuming from {queue}" in result.stdout, result.stdout + result.stderr

    def supervise_worker(self, until, timeout: float, max_age: float, period: float = 1.0) -> list[str]:
        """What Kubernetes does with `manage.py worker_alive` as the worker's liveness
        probe: run it every `period` seconds and restart the worker whenever it fails,
        until `until()` holds (looked at every 0.1 s, also while a probe runs).
        Returns the failed probes' messages, one per restart."""
        failures: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            probe = subprocess.Popen(
                self._worker_alive_command(f"--max-age={max_age}", "--wait=5"),
                cwd=BASE_DIR,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            next_probe = time.monotonic() + period
            while probe.poll() is None or time.monotonic() < next_probe:
                if until():
                    probe.kill()
                    probe.communicate()
                    return failures
                if time.monotonic() > deadline:
                    probe.kill()
                    probe.communicate()
                    raise AssertionError(f"timed out after {timeout}s; failed probes: {failures}")
                time.sleep(0.1)
            _, errors = probe.communicate()
            if probe.returncode != 0:
                failures.append(errors.strip())
                self.worker.stop()
                self.worker.start()

    def send_tasks(self, calls: list[tuple[str, list]]) -> None:
        """Publish tasks to this stack's broker, from another process, as beat would."""
        publish_tasks(self.env, calls)

    def stop(self) -> None:
        processes.stop_all([self.web, self.beat, self.worker])
        self.broker.stop()


# --- Several machines, on loopback --------------------------------------------------------

# The machine's Redis (as CI runs it), on a database number no other test uses.
CLUSTER_REDIS_DB = 9


class Cluster:
    """The site as several machines run it, on loopback: nginx balancing two web nodes
    (gunicorn each, with an environment and a node name of its own), two Celery workers
    with hostnames of their own, one beat, PgBouncer in transaction pooling mode before
    the test database, and the machine's Redis (127.0.0.1:6379, CLUSTER_REDIS_DB) as
    cache and broker. Production settings (debug off); mail goes to the SMTP sink."""

    NODES = ("a", "b")

    def __init__(self, *, tmp_path: Path, database: dict, smtp_port: int, env: dict) -> None:
        for binary, package in ((processes.nginx_binary(), "nginx-light"), (processes.pgbouncer_binary(), "pgbouncer")):
            if not binary:
                skip_or_fail(f"{package} is not installed (apt-get install {package})")
        if not processes.port_open(6379):
            skip_or_fail("no Redis on 127.0.0.1:6379 (apt-get install redis-server)")
        import redis

        self.redis = redis.Redis(host="127.0.0.1", port=6379, db=CLUSTER_REDIS_DB)
        self.redis.flushdb()
        self.tmp_path = tmp_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pgbouncer_port = free_port()
        self.database = database
        self.node_ports = {node: free_port() for node in self.NODES}
        redis_url = f"redis://127.0.0.1:6379/{CLUSTER_REDIS_DB}"
        self.env = processes.environment(
            DJANGO_SETTINGS_MODULE="campaign.settings",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=SECRET_KEY,
            DATABASE_URL=f"postgres://{database['USER']}@127.0.0.1:{self.pgbouncer_port}/{database['NAME']}",
            DATABASE_POOLER="pgbouncer",
            CELERY_BROKER_URL=redis_url,
            CACHE_URL=redis_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            SITE_URL=self.url,
            TRUSTED_PROXY_COUNT="1",
            SIGN_MIN_FILL_SECONDS="0",
            SIGN_RATE_PER_IP_PER_HOUR="100000",
            SIGN_RATE_PER_ADDRESS_PER_HOUR="100000",
            **env,
        )
        self.parts: dict[str, processes.Child] = {}

    def node_url(self, node: str) -> str:
        return f"http://127.0.0.1:{self.node_ports[node]}"

    def worker_name(self, node: str) -> str:
        return f"multinode-{node}-{self.port}@{socket.gethostname()}"

    def _launch(self, child: processes.Child, timeout: float = 60) -> processes.Child:
        self.parts[child.name] = child
        return child.start(timeout=timeout)

    def start(self, *, web_workers: int = 2, concurrency: int = 2) -> None:
        host = self.database["HOST"] or "/var/run/postgresql"
        self._launch(
            processes.pgbouncer(
                folder=self.tmp_path / "pgbouncer", port=self.pgbouncer_port, database=self.database["NAME"],
                host=host, database_port=int(self.database.get("PORT") or 5432), user=self.database["USER"],
            )
        )  # fmt: skip
        # The nodes start side by side, as machines would.
        with ThreadPoolExecutor(max_workers=2 * len(self.NODES)) as pool:
            starting = [pool.submit(self.start_web, node, web_workers) for node in self.NODES]
            starting += [pool.submit(self.start_worker, node, concurrency) for node in self.NODES]
            for started in starting:
                started.result()
        self.start_beat("beat")
        self._launch(
            processes.nginx(
                folder=self.tmp_path / "nginx", port=self.port, static_root=BASE_DIR / "var" / "static",
                gunicorn=[f"127.0.0.1:{port}" for port in self.node_ports.values()],
            )
        )  # fmt: skip

    def start_web(self, node: str, workers: int = 2) -> processes.Child:
        """Web node `node`: its own gunicorn, environment (CAMPAIGN_NODE names it) and log."""
        env = {**self.env, "CAMPAIGN_NODE": node}
        bind = f"127.0.0.1:{self.node_ports[node]}"
        return self._launch(
            processes.web(
                env=env, bind=bind, workers=workers, timeout=60, name=f"web-{node}",
                log=self.tmp_path / f"web-{node}.log",
            )
        )  # fmt: skip

    def start_worker(self, node: str, concurrency: int = 2) -> processes.Child:
        return self._launch(
            processes.worker(
                env=self.env, hostname=self.worker_name(node), concurrency=concurrency, name=f"worker-{node}",
                log=self.tmp_path / f"worker-{node}.log",
            )
        )  # fmt: skip

    def start_beat(self, name: str) -> processes.Child:
        return self._launch(
            processes.beat(
                env=self.env, schedule=self.tmp_path / f"{name}-schedule", log=self.tmp_path / f"{name}.log", name=name
            )
        )

    def part(self, name: str) -> processes.Child:
        return self.parts[name]

    def stop(self) -> None:
        # nginx first, so nothing new reaches the nodes; PgBouncer last.
        order = [*[name for name in self.parts if name != "pgbouncer"][::-1], "pgbouncer"]
        processes.stop_all([self.parts[name] for name in order if name in self.parts])
        self.redis.flushdb()

    def send_tasks(self, calls: list[tuple[str, list]]) -> None:
        """Publish tasks to the cluster's broker from another process, as beat would."""
        publish_tasks(self.env, calls)
