"""Start, watch and stop the site's processes: gunicorn, the Celery worker and beat
(and nginx in front, and PgBouncer before PostgreSQL, where they run).

`make run` (run_site), the integration tests and the bench all launch them through here,
so the command lines they exercise are the ones production runs (docs/operations.md,
"Running it in production"). Each child leads a process group of its own: stopping it takes whatever it
forked (gunicorn's and Celery's pool processes) with it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
NGINX_CONF = BASE_DIR / "deploy" / "nginx.conf"
PGBOUNCER_CONF = BASE_DIR / "deploy" / "pgbouncer.ini"
# A warm shutdown finishes the mails in flight; past this, the child is killed.
STOP_GRACE_SECONDS = 20
READY_TIMEOUT_SECONDS = 60


def environment(base: Mapping[str, str] | None = None, **variables: str) -> dict[str, str]:
    """A child's environment: `base` (this process's by default) plus `variables`,
    with Python's output unbuffered so that logs arrive as they are written."""
    return {**(os.environ if base is None else base), "PYTHONUNBUFFERED": "1", **variables}


# --- Command lines ----------------------------------------------------------------------


def gunicorn_args(
    *, bind: str, workers: int, threads: int = 1, timeout: int = 120, backlog: int = 2048, name: str = ""
) -> list[str]:
    """gunicorn's sync workers (or gthread ones with `threads` > 1) on `bind`:
    "127.0.0.1:PORT" or "unix:PATH", never a public address. `name` tells one web
    node's processes from another's in `ps`."""
    named = [f"--name={name}"] if name else []
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "campaign.wsgi",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--bind={bind}",
        f"--timeout={timeout}",
        f"--backlog={backlog}",
        *named,
    ]


def worker_args(*, hostname: str, concurrency: int, loglevel: str = "INFO") -> list[str]:
    """A Celery worker with a node name of its own (its liveness canaries are addressed
    to it). One worker needs no mingle, gossip or event heartbeats: they are for
    workers watching each other over the broker."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "campaign",
        "worker",
        f"--loglevel={loglevel}",
        f"--concurrency={concurrency}",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        f"--hostname={hostname}",
    ]


def beat_args(*, schedule: Path | None = None, loglevel: str = "INFO") -> list[str]:
    """Celery beat (exactly one per site); `schedule` overrides CELERY_BEAT_SCHEDULE_FILENAME."""
    args = [sys.executable, "-m", "celery", "-A", "campaign", "beat", f"--loglevel={loglevel}"]
    return [*args, f"--schedule={schedule}"] if schedule else args


# --- Children ---------------------------------------------------------------------------


class Child:
    """One launched process: its command line, environment and log, started and stopped
    as a process group. `ready(child)` says when it serves; start() waits for it."""

    def __init__(
        self,
        name: str,
        args: list[str],
        *,
        env: Mapping[str, str],
        log: Path | None = None,
        ready: Callable[[Child], bool] | None = None,
        niceness: int = 0,
        cwd: Path = BASE_DIR,
    ) -> None:
        self.name = name
        self.args = args
        self.env = dict(env)
        self.log_path = log
        self.ready = ready
        self.niceness = niceness
        self.cwd = cwd
        self.process: subprocess.Popen | None = None
        self.log_size_at_start = 0

    def __repr__(self) -> str:
        return f"<Child {self.name} pid={self.pid}>"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def returncode(self) -> int | None:
        return self.process.poll() if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = READY_TIMEOUT_SECONDS) -> Child:
        """Start the process (appending to its log, if it has one) and wait until it is
        ready; a child that exits or is not ready in time raises RuntimeError."""
        output = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self.log_size_at_start = self.log_path.stat().st_size if self.log_path.exists() else 0
            output = self.log_path.open("ab")
        niceness = self.niceness
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own command lines
                self.args,
                cwd=self.cwd,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                start_new_session=True,
                preexec_fn=(lambda: os.nice(niceness)) if niceness else None,
            )
        finally:
            if output is not None:
                output.close()
        if self.ready is not None:
            deadline = time.monotonic() + timeout
            while not self.ready(self):
                if not self.running():
                    raise RuntimeError(
                        f"{self.name} exited ({self.returncode}) before it was ready:\n{self.log()[-3000:]}"
                    )
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s:\n{self.log()[-3000:]}")
                time.sleep(0.1)
        return self

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def log_since_start(self) -> bytes:
        if self.log_path is None or not self.log_path.exists():
            return b""
        with self.log_path.open("rb") as log:
            log.seek(self.log_size_at_start)
            return log.read()

    def signal(self, signum: int) -> None:
        """Send `signum` to the whole group (a test's fault: SIGKILL, SIGSTOP)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def terminate(self) -> None:
        """Ask the child to stop as its supervisor would: SIGTERM to it alone (gunicorn
        and Celery then stop their own children in order), SIGCONT to the group so
        that a stopped (SIGSTOP) process sees it."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            self.signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL the whole group, at once, and reap the child."""
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        stop_all([self], grace)


def stop_all(children: Iterable[Child | None], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM every child, wait for them together up to `grace` seconds, then SIGKILL
    each group, which also takes what a child forked and left behind."""
    children = [child for child in children if child is not None and child.process is not None]
    for child in children:
        child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        child.kill()


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _serves(bind: str) -> Callable[[Child], bool]:
    """Readiness of a server bound to "HOST:PORT" or "unix:PATH": it accepts a connection."""
    if bind.startswith("unix:"):
        path = bind.removeprefix("unix:")

        def unix_ready(child: Child) -> bool:
            with socket.socket(socket.AF_UNIX) as sock:
                return sock.connect_ex(path) == 0

        return unix_ready
    host, _, port = bind.rpartition(":")
    return lambda child: port_open(int(port), host or "127.0.0.1")


def _logged(marker: bytes) -> Callable[[Child], bool]:
    return lambda child: marker in child.log_since_start()


# --- The site's parts -------------------------------------------------------------------


def web(
    *, env: Mapping[str, str], bind: str, workers: int, log: Path | None = None, name: str = "web", **options
) -> Child:
    """gunicorn, ready once it accepts connections; `options` go to gunicorn_args.
    `name` names a web node when there are several."""
    args = gunicorn_args(bind=bind, workers=workers, name="" if name == "web" else name, **options)
    return Child(name, args, env=env, log=log, ready=_serves(bind))


def worker(
    *, env: Mapping[str, str], hostname: str, concurrency: int, log: Path | None = None, loglevel: str = "INFO",
    niceness: int = 0, name: str = "worker",
) -> Child:  # fmt: skip
    """The Celery worker. With a log at INFO, ready once it logs "ready." (its consumers
    are up); otherwise start() does not wait. `name` names it among several."""
    ready = _logged(b" ready.") if log is not None and loglevel in ("INFO", "DEBUG") else None
    args = worker_args(hostname=hostname, concurrency=concurrency, loglevel=loglevel)
    return Child(name, args, env=env, log=log, ready=ready, niceness=niceness)


def beat(
    *, env: Mapping[str, str], schedule: Path | None = None, log: Path | None = None, loglevel="INFO", name="beat"
) -> Child:
    return Child(name, beat_args(schedule=schedule, loglevel=loglevel), env=env, log=log)


# --- nginx ------------------------------------------------------------------------------

NGINX_PLACEHOLDERS = (
    "NGINX_USER",
    "NGINX_LISTEN",
    "SERVER_NAME",
    "GUNICORN",
    "STATIC_ROOT",
    "NGINX_CACHE",
    "NGINX_LOGS",
)


def nginx_config(**values: str) -> str:
    """deploy/nginx.conf with its ${PLACEHOLDERS} filled in, as envsubst would."""
    missing = set(NGINX_PLACEHOLDERS) - set(values)
    if missing:
        raise KeyError(f"nginx.conf needs {', '.join(sorted(missing))}")
    names = "|".join(NGINX_PLACEHOLDERS)
    return re.sub(r"\$\{(" + names + r")\}", lambda match: values[match.group(1)], NGINX_CONF.read_text())


def nginx(
    *, folder: Path, port: int, gunicorn: str | list[str], static_root: Path, server_name: str = "127.0.0.1"
) -> Child:
    """nginx with deploy/nginx.conf on 127.0.0.1:`port`, everything it writes (config,
    cache, logs, pid) in `folder`. Its workers run as the user starting it. Several
    `gunicorn` addresses (web nodes) get a `server` line each in the upstream, as an
    operator writes them."""
    nodes = [gunicorn] if isinstance(gunicorn, str) else list(gunicorn)
    folder.mkdir(parents=True, exist_ok=True)
    for part in ("logs", "cache"):
        (folder / part).mkdir(exist_ok=True)
    config = folder / "nginx.conf"
    rendered = nginx_config(
        NGINX_USER=pwd.getpwuid(os.getuid()).pw_name,
        NGINX_LISTEN=f"127.0.0.1:{port}",
        SERVER_NAME=server_name,
        GUNICORN=nodes[0],
        STATIC_ROOT=str(static_root),
        NGINX_CACHE=str(folder / "cache"),
        NGINX_LOGS=str(folder / "logs"),
    )
    servers = "\n        ".join(f"server {node};" for node in nodes)
    config.write_text(rendered.replace(f"server {nodes[0]};", servers, 1))
    args = [nginx_binary(), "-c", str(config), "-p", str(folder), "-e", str(folder / "logs" / "startup.log")]
    args += ["-g", f"daemon off; pid {folder / 'nginx.pid'};"]
    return Child(
        "nginx", args, env=environment(), log=folder / "logs" / "nginx.out", ready=_serves(f"127.0.0.1:{port}")
    )


def nginx_binary() -> str:
    """Where nginx is: Debian's package puts it in /usr/sbin, often not on a user's PATH.
    "" when it is not installed."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin") or ""


# --- PgBouncer --------------------------------------------------------------------------

PGBOUNCER_PLACEHOLDERS = (
    "PGBOUNCER_LISTEN_ADDR",
    "PGBOUNCER_PORT",
    "DATABASE_NAME",
    "DATABASE_HOST",
    "DATABASE_PORT",
    "DATABASE_USER",
    "PGBOUNCER_AUTH_TYPE",
    "PGBOUNCER_AUTH_FILE",
    "PGBOUNCER_POOL_SIZE",
)


def pgbouncer_config(**values: str) -> str:
    """deploy/pgbouncer.ini with its ${PLACEHOLDERS} filled in, as envsubst would."""
    missing = set(PGBOUNCER_PLACEHOLDERS) - set(values)
    if missing:
        raise KeyError(f"pgbouncer.ini needs {', '.join(sorted(missing))}")
    names = "|".join(PGBOUNCER_PLACEHOLDERS)
    return re.sub(r"\$\{(" + names + r")\}", lambda match: values[match.group(1)], PGBOUNCER_CONF.read_text())


def pgbouncer(
    *, folder: Path, port: int, database: str, host: str, database_port: int, user: str, pool_size: int = 20
) -> Child:
    """PgBouncer with deploy/pgbouncer.ini on 127.0.0.1:`port`, in transaction pooling
    mode, before `database` on PostgreSQL at host:database_port; clients on loopback are
    trusted (the database's own user logs in). Its configuration is written to `folder`.
    PgBouncer refuses to run as root: started by root, it drops to `nobody`, or to the
    owner of the server's socket folder when `host` is one (who may open the socket)."""
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "userlist.txt"
    users.write_text(f'"{user}" ""\n')
    config = folder / "pgbouncer.ini"
    config.write_text(
        pgbouncer_config(
            PGBOUNCER_LISTEN_ADDR="127.0.0.1",
            PGBOUNCER_PORT=str(port),
            DATABASE_NAME=database,
            DATABASE_HOST=host,
            DATABASE_PORT=str(database_port),
            DATABASE_USER=user,
            PGBOUNCER_AUTH_TYPE="trust",
            PGBOUNCER_AUTH_FILE=str(users),
            PGBOUNCER_POOL_SIZE=str(pool_size),
        )
    )
    run_as = []
    if os.geteuid() == 0:
        run_as = ["-u", pwd.getpwuid(Path(host).stat().st_uid).pw_name if host.startswith("/") else "nobody"]
    args = [pgbouncer_binary(), *run_as, str(config)]
    return Child("pgbouncer", args, env=environment(), log=folder / "pgbouncer.log", ready=_serves(f"127.0.0.1:{port}"))


def pgbouncer_binary() -> str:
    """Where Debian's pgbouncer is (/usr/sbin, often not on PATH); "" when not installed."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin") or ""
