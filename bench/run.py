"""`make bench`: the site as production runs it, on this machine, under load.

Starts PostgreSQL (the server DATABASE_URL names, else the embedded one) with a
database of its own, Redis at 127.0.0.1:6379 as broker and cache when it answers
(else the folder broker and the database cache), an SMTP sink on loopback, gunicorn
(cores + 1 workers, debug off), Celery worker and beat, all through
campaign.core.processes, and nginx with deploy/nginx.conf in front of gunicorn
(installed with apt-get when missing). The load comes from bench/load.py in its own
process. Every scenario prints a table and writes bench/results/<scenario>.json; the
targets come last, met or not. Everything started here is stopped here.
bench/README.md describes the method.

    python -m bench.run [--full] [--only ceiling,sign,read,export,search,multinode,dashboard]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

from bench import updates
from campaign.core import processes

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
WORK = BASE_DIR / "var" / "bench"
# Where collectstatic puts the files nginx serves (campaign.settings.STATIC_ROOT).
STATIC_ROOT = BASE_DIR / "var" / "static"
BENCH_DB = "campaign_bench"
ORGANISER = ("organiser@example.org", secrets.token_urlsafe(16))
EXPORT_ROWS = 1_000_000
# On one shared machine the web server comes first: under a surge, pages and signatures
# are answered at once and the mail queue drains right after (docs/operations.md).
WORKER_NICENESS = 10


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


# --- Parts ----------------------------------------------------------------------------------


def database() -> tuple[str, str]:
    """(URL of the bench database, where it lives). The database is made afresh."""
    import psycopg2

    server_url = os.environ.get("DATABASE_URL")
    where = "PostgreSQL from DATABASE_URL"
    if not server_url:
        from campaign import embedded

        server_url = embedded.postgres_url()
        where = "embedded PostgreSQL 16 (pgserver)"
    parts = urlsplit(server_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
        cursor.execute("SHOW server_version")
        where += f" {cursor.fetchone()[0]}"
    admin.close()
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}")), where


def redis_available() -> bool:
    return processes.port_open(6379)


def ensure_nginx() -> str:
    """nginx's version, installing Debian's nginx-light first when it is missing (the
    bench runs as production would, behind it)."""
    if not processes.nginx_binary():
        if os.geteuid() != 0:
            raise SystemExit("nginx is not installed: apt-get install nginx-light (as root), then run again")
        print("installing nginx-light (apt-get)", flush=True)
        apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=apt)  # noqa: S607
    version = subprocess.run([processes.nginx_binary(), "-v"], capture_output=True, text=True, check=True)
    return version.stderr.strip().removeprefix("nginx version: ")


class Stack:
    def __init__(self) -> None:
        self.parts: dict[str, processes.Child] = {}
        WORK.mkdir(parents=True, exist_ok=True)
        self.nginx_version = ensure_nginx()
        # Visitors reach nginx (`url`); gunicorn (`gunicorn_url`) is loaded directly
        # only to measure it alone.
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.gunicorn_port = free_port()
        self.gunicorn_url = f"http://127.0.0.1:{self.gunicorn_port}"
        self.smtp_port = free_port()
        self.mails = WORK / "mails.jsonl"
        self.mails.write_text("")
        self.database_url, self.database_where = database()
        self.redis = redis_available()
        self.cores = os.cpu_count() or 1
        # The web's work is CPU, not waiting (its round trips are on loopback): one sync
        # worker per core and one to cover the waits.
        self.web_workers = int(os.environ.get("BENCH_WEB_WORKERS", self.cores + 1))
        self.web_threads = int(os.environ.get("BENCH_WEB_THREADS", "1"))
        self.worker_concurrency = int(os.environ.get("BENCH_WORKER_CONCURRENCY", 2 * self.cores))
        self.env = processes.environment(
            DJANGO_SETTINGS_MODULE="bench.settings",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_LOG_LEVEL="WARNING",
            DATABASE_URL=self.database_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp_port),
            SITE_URL=self.url,
            # All the load comes from 127.0.0.1 and the bench posts as fast as it can:
            # the per-IP limit and the "filled too fast" check would refuse it.
            SIGN_MIN_FILL_SECONDS="0",
            SIGN_RATE_PER_IP_PER_HOUR="100000000",
            ORGANISER_EMAIL=ORGANISER[0],
            ORGANISER_PASSWORD=ORGANISER[1],
            CAMPAIGN_BROKER_DIR=str(WORK / "broker"),
            # The pace of an update's mails is set where they are queued, in the worker.
            UPDATE_MAILS_PER_SECOND=os.environ.get("BENCH_UPDATE_RATE", "500"),
        )
        if self.redis:
            import redis

            for db in (14, 15):
                redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
            self.env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/14"
            self.env["CACHE_URL"] = "redis://127.0.0.1:6379/15"
        else:
            self.env["CELERY_BROKER_URL"] = "filesystem://"
            self.env["CACHE_URL"] = "dbcache://"

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def launch(self, child: processes.Child) -> processes.Child:
        self.parts[child.name] = child
        return child.start(timeout=120)

    def start(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("createcachetable")
        self.manage("collectstatic", "--noinput")
        self.manage("load_demo")
        self.manage("ensure_organiser")
        # Organisers see personal data, so they log in with an authenticator app.
        self.totp_secret = (
            self.manage(
                "shell",
                "-c",
                "from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret;"
                "from campaign.accounts.models import User;"
                "secret = generate_totp_secret();"
                f"TOTP.activate(User.objects.get(email='{ORGANISER[0]}'), secret);"
                "print(secret)",
            )
            .strip()
            .splitlines()[-1]
        )
        with psycopg_connect(self.database_url) as conn, conn.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, email text, created_at timestamptz)")
        smtp = [sys.executable, "-m", "bench.smtp_sink", "--port", str(self.smtp_port), "--out", str(self.mails)]
        self.launch(
            processes.Child(
                "smtp", smtp, env=self.env, log=WORK / "smtp.log",
                ready=lambda child: processes.port_open(self.smtp_port),
            )
        )  # fmt: skip
        bind = f"127.0.0.1:{self.gunicorn_port}"
        self.web = self.launch(
            processes.web(
                env=self.env, bind=bind, workers=self.web_workers, threads=self.web_threads, timeout=300,
                log=WORK / "web.log",
            )
        )  # fmt: skip
        self.launch(
            processes.worker(
                env=self.env, hostname=f"bench@{socket.gethostname()}", concurrency=self.worker_concurrency,
                loglevel="WARNING", log=WORK / "worker.log", niceness=WORKER_NICENESS,
            )
        )  # fmt: skip
        self.launch(
            processes.beat(env=self.env, schedule=WORK / "beat-schedule", loglevel="WARNING", log=WORK / "beat.log")
        )
        self.launch(processes.nginx(folder=WORK / "nginx", port=self.port, gunicorn=bind, static_root=STATIC_ROOT))
        self.warm_up()

    def warm_up(self) -> None:
        """A surge meets a server that has been up for a while: every web worker has
        loaded its templates and opened its connections. A few hundred reads first, not
        measured, so the first second of a scenario does not time the start-up."""
        slug = self.sql("SELECT slug FROM petitions_petition WHERE status = 'open' ORDER BY id LIMIT 1")[0][0]
        paths = [f"/letters/{slug}/", f"/api/petitions/{slug}/", "/bench/ceiling/", "/"] * 60

        def fetch(url: str) -> None:
            with urllib.request.urlopen(url, timeout=60) as reply:  # noqa: S310  # nosec B310
                reply.read()

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(fetch, [base + path for path in paths for base in (self.gunicorn_url, self.url)]))

    def stop(self) -> None:
        # nginx first, so that nothing new reaches gunicorn; the SMTP sink last, so that
        # the worker's mails in flight still land.
        processes.stop_all(reversed(list(self.parts.values())))

    def fetch(self, path: str, direct: bool = False) -> bytes:
        url = (self.gunicorn_url if direct else self.url) + path
        with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310  # nosec B310
            return reply.read()

    def sql(self, query: str, params=()):
        with psycopg_connect(self.database_url) as conn, conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    def mails_received(self) -> int:
        with self.mails.open() as lines:
            return sum(1 for _ in lines)

    def load(self, scenario: str, *args: str, direct: bool = False) -> dict:
        """Run one load (through nginx, or straight to gunicorn when `direct`); its
        figures, plus the CPU seconds each part spent meanwhile."""
        url = self.gunicorn_url if direct else self.url
        before = self.cpu_seconds()
        result = subprocess.run(
            [sys.executable, "-m", "bench.load", scenario, "--url", url, *args],
            cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=1800,
        )  # fmt: skip
        after = self.cpu_seconds()
        return {
            **json.loads(result.stdout),
            "cpu_seconds": {part: round(after[part] - before[part], 2) for part in after},
        }

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by each part: this stack's processes
        with their children, every PostgreSQL and Redis server process on the machine, and
        the load generator (this process's only child reaped while a load runs)."""
        seconds = {name: _tree_cpu(child.pid) for name, child in self.parts.items()}
        for part, names in (("postgres", {"postgres", "postmaster"}), ("redis", {"redis-server"})):
            roots = [
                process for process in psutil.process_iter(["name"])
                if process.info["name"] in names and _parent_name(process) not in names
            ]  # fmt: skip
            seconds[part] = sum(_tree_cpu(root.pid) for root in roots)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds["load generator"] = usage.ru_utime + usage.ru_stime
        return seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its live descendants and the children it has reaped."""
    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        descendants = root.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    for process in descendants:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def _parent_name(process: psutil.Process) -> str | None:
    with contextlib.suppress(psutil.NoSuchProcess):
        parent = process.parent()
        return parent.name() if parent else None
    return None


def psycopg_connect(url: str):
    import psycopg2

    return psycopg2.connect(url)


# --- Reporting -------------------------------------------------------------------------------


def table(title: str, rows: list[tuple]) -> None:
    print(f"\n== {title} ==")
    width = max(len(str(row[0])) for row in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def request_rows(figures: dict) -> list[tuple]:
    rows = []
    for label, figure in figures.items():
        if isinstance(figure, dict) and "requests" in figure:
            rows.append(
                (
                    label,
                    f"{figure['per_second']:>8}/s  p50 {figure['p50_ms']} ms  p95 {figure['p95_ms']} ms  "
                    f"p99 {figure['p99_ms']} ms  statuses {figure['statuses']}",
                )
            )
    if figures.get("transport_errors"):
        rows.append(("transport errors", figures["transport_errors"]))
    return rows


def cpu_rows(figures: dict, units: int, unit: str) -> list[tuple]:
    """Where the machine's CPU went during a load: milliseconds per unit, per part."""
    spent = figures["cpu_seconds"]
    rows = [
        (part, f"{seconds * 1000 / units:6.2f} ms per {unit}  ({seconds:.1f} s)")
        for part, seconds in sorted(spent.items(), key=lambda item: -item[1])
        if units and seconds >= 0.05
    ]
    total = sum(spent.values())
    rows.append(("all parts", f"{total * 1000 / units:6.2f} ms per {unit}" if units else "no units"))
    return rows


# (what, figure, target, met), in the order the scenarios ran: the closing table.
TARGETS: list[tuple[str, str, str, bool]] = []


def target(what: str, figure: str, goal: str, met: bool) -> None:
    TARGETS.append((what, figure, goal, met))


def targets_table(machine: dict) -> None:
    if not TARGETS:
        return
    width = max(len(row[0]) for row in TARGETS)
    figure_width = max(len(row[1]) for row in TARGETS)
    print("\n== targets ==")
    for what, figure, goal, met in TARGETS:
        print(f"  {what:<{width}}  {figure:>{figure_width}}  target {goal:<12} {'met' if met else 'NOT MET'}")
    rows = [{"what": what, "figure": figure, "target": goal, "met": met} for what, figure, goal, met in TARGETS]
    save("targets", machine, {"targets": rows, "all_met": all(row["met"] for row in rows)})


def save(name: str, machine: dict, data: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"scenario": name, "machine": machine, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **data}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")


def slug_of_demo(stack: Stack) -> tuple[int, str]:
    return stack.sql("SELECT id, slug FROM petitions_petition WHERE status = 'open' ORDER BY id LIMIT 1")[0]


# --- Scenarios -------------------------------------------------------------------------------


def scenario_sign(stack: Stack, machine: dict, seconds: float) -> None:
    petition_id, slug = slug_of_demo(stack)
    rows_before = stack.sql("SELECT count(*) FROM petitions_signature WHERE petition_id = %s", [petition_id])[0][0]
    counted = (
        "SELECT count(*) FROM petitions_signature WHERE petition_id = %s AND NOT is_demo AND confirmed_at IS NOT NULL"
        " AND withdrawn_at IS NULL AND invalidated_at IS NULL"
    )
    before = stack.sql(counted, [petition_id])[0][0]  # signatures of earlier scenarios
    mails_before = stack.mails_received()
    surge = stack.load("sign", "--slug", slug, "--seconds", str(seconds))
    load_ended = time.monotonic()
    accepted = surge["sign (POST)"]["statuses"].get("302", 0)
    rows = stack.sql("SELECT count(*) FROM petitions_signature WHERE petition_id = %s", [petition_id])[0][0]
    rows -= rows_before
    mails_at_end = stack.mails_received() - mails_before
    wait_for(lambda: stack.mails_received() - mails_before >= rows, 600, "the mail queue to drain")
    drain = time.monotonic() - load_ended
    mails = stack.mails_received() - mails_before
    confirm = stack.load("confirm", "--links", str(stack.mails))
    confirmed = confirm["confirm (POST)"]["statuses"].get("200", 0)
    demo = stack.sql(
        "SELECT count(*) FROM petitions_signature WHERE petition_id = %s AND is_demo AND confirmed_at IS NOT NULL"
        " AND withdrawn_at IS NULL AND invalidated_at IS NULL",
        [petition_id],
    )[0][0]

    def public_count() -> int:
        # gunicorn's answer: nginx may hold the previous one for the seconds the app allows.
        return json.loads(stack.fetch(f"/api/petitions/{slug}/", direct=True))["signature_count"]

    # The app may cache the count for a while; a read that raced the last confirmation
    # may hold the previous figure until then.
    settled_from = time.monotonic()
    expected = confirmed + demo + before
    deadline = settled_from + 40
    while (count := public_count()) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    settle = time.monotonic() - settled_from
    api = {"signature_count": count}
    expected = {"letter page (GET)": "200", "sign (POST)": "302"}
    errors = sum(surge["transport_errors"].values()) + sum(
        count for label, status in expected.items()
        for other, count in surge[label]["statuses"].items() if other != status
    )  # fmt: skip
    ledger = {
        "accepted_per_second": round(accepted / surge["seconds"], 1),
        "accepted": accepted,
        "errors": errors,
        "rows_stored": rows,
        "mails_at_sink": mails,
        "mails_when_load_ended": mails_at_end,
        "drain_seconds_after_load": round(drain, 1),
        "mails_per_second_overall": round(mails / (surge["seconds"] + drain), 1),
        "mails_per_second_once_load_ended": round((mails - mails_at_end) / drain, 1) if drain >= 1 else None,
        "confirmations": confirmed,
        "confirmations_per_second": confirm["confirm (POST)"]["per_second"],
        "public_count": api["signature_count"],
        "public_count_minus_demo_and_earlier": api["signature_count"] - demo - before,
        "seconds_until_public_count_exact": round(settle, 1),
    }
    table(f"signing surge ({surge['concurrency']} at once, {surge['seconds']} s)", request_rows(surge))
    table("CPU during the surge", cpu_rows(surge, accepted, "accepted signature"))
    table("ledger", list(ledger.items()))
    table("confirming every link", request_rows(confirm))
    ok = rows == accepted == mails == confirmed and api["signature_count"] - demo - before == confirmed
    print(f"  ledger {'balances' if ok else 'DOES NOT BALANCE'}")
    save("sign", machine, {"surge": surge, "ledger": ledger, "confirm": confirm, "ledger_balances": ok})
    post = surge["sign (POST)"]
    target("signing, accepted per second", f"{ledger['accepted_per_second']}/s", ">= 350/s",
           ledger["accepted_per_second"] >= 350)  # fmt: skip
    target("signing, POST p99", f"{post['p99_ms']} ms", "< 500 ms", post["p99_ms"] is not None and post["p99_ms"] < 500)
    target("signing, errors", str(errors), "0", errors == 0)
    target(
        "ledger: accepted = rows = mails = confirmations", f"{accepted} / {rows} / {mails} / {confirmed}",
        "all equal", ok,
    )  # fmt: skip


def scenario_read(stack: Stack, machine: dict, seconds: float) -> None:
    """Readers of one letter, each page and the count API on its own: through nginx,
    then a static file of the same size through the same nginx (what nginx does at
    best on this machine with this load generator), then from gunicorn alone."""
    _, slug = slug_of_demo(stack)
    each = max(5.0, seconds / 3)
    copies = STATIC_ROOT / "bench"
    copies.mkdir(exist_ok=True)
    figures: dict[str, dict] = {}
    try:
        for label, path, copy in (
            ("letter page", f"/letters/{slug}/", "letter-page.html"),
            ("count API", f"/api/petitions/{slug}/", "count-api.json"),
        ):
            # The same bytes as gunicorn sends, so nginx sends the same size either way.
            (copies / copy).write_bytes(stack.fetch(path, direct=True))
            runs = {
                f"{label} through nginx": (path, False),
                f"static file of its size ({(copies / copy).stat().st_size:,} bytes) through nginx": (
                    f"/static/bench/{copy}",
                    False,
                ),
                f"{label} from gunicorn alone": (path, True),
            }
            for name, (url_path, direct) in runs.items():
                figures[name] = stack.load("get", "--path", url_path, "--label", name, "--seconds", str(each),
                                           direct=direct)  # fmt: skip
                table(name, request_rows(figures[name]))
            via_nginx, static, alone = (figures[name][name] for name in runs)
            share = via_nginx["per_second"] / static["per_second"] if static["per_second"] else 0
            ok = via_nginx["statuses"] == {"200": via_nginx["requests"]}
            target(f"{label} through nginx", f"{via_nginx['per_second']:,}/s", ">= 3,000/s",
                   ok and via_nginx["per_second"] >= 3000)  # fmt: skip
            target(f"{label} through nginx / static file of its size", f"{share:.0%} of {static['per_second']:,}/s",
                   ">= 80 %", ok and share >= 0.8)  # fmt: skip
            target(f"{label} from gunicorn alone", f"{alone['per_second']:,}/s", ">= 500/s",
                   alone["statuses"] == {"200": alone["requests"]} and alone["per_second"] >= 500)  # fmt: skip
    finally:
        for copy in copies.iterdir():
            copy.unlink()
        copies.rmdir()
    save("read", machine, {"seconds_each": each, "runs": figures})


def scenario_ceiling(stack: Stack, machine: dict, seconds: float) -> None:
    figures = stack.load("ceiling", "--seconds", str(seconds))
    table(f"ceiling: bare view, CSRF + one INSERT ({figures['concurrency']} at once)", request_rows(figures))
    pairs = figures["bare INSERT (POST)"]["statuses"].get("204", 0)
    table("CPU during the ceiling run", cpu_rows(figures, pairs, "GET + POST pair"))
    save("ceiling", machine, {"figures": figures})


def scenario_export(stack: Stack, machine: dict, seconds: float) -> None:
    started = time.monotonic()
    petition_id = stack.sql(
        "INSERT INTO petitions_petition (created_at, updated_at, kind, title, slug, summary, body, addressee, goal,"
        " status, language, version, text_fingerprint) VALUES (now(), now(), 'letter', 'Export bench', 'export-bench',"
        " '', '', 'Bench', 1000000, 'closed', 'en', 1, '') RETURNING id"
    )[0][0]
    stack.sql(
        "INSERT INTO petitions_signature (petition_id, petition_version, name, email, email_normalised, country, city,"
        " affiliation, is_public, wants_updates, consent_text, consent_version, is_demo, mails_sent, created_at,"
        " confirmed_at) SELECT %s, 1, 'Signer ' || n, 'signer' || n || '@example.org', 'signer' || n || '@example.org',"
        " 'GB', CASE WHEN n %% 10 = 0 THEN '=HYPERLINK(\"x\")' ELSE 'Leeds' END, '', n %% 2 = 0, false, 'I agree.',"
        " 'bench', false, 1, now(), now() FROM generate_series(1, %s) AS n",
        [petition_id, EXPORT_ROWS],
    )
    prepared = time.monotonic() - started
    workers = psutil.Process(stack.web.pid).children()
    baseline = {worker.pid: worker.memory_info().rss for worker in workers}
    peak = dict(baseline)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for worker in workers:
                with contextlib.suppress(psutil.NoSuchProcess):
                    peak[worker.pid] = max(peak[worker.pid], worker.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    figures = stack.load(
        "export", "--path", f"/admin/petitions/petition/{petition_id}/export.csv",
        # One argument each: a random password may begin with "-", which argparse would
        # take for an option of its own.
        f"--email={ORGANISER[0]}", f"--password={ORGANISER[1]}", f"--totp={stack.totp_secret}",
    )  # fmt: skip
    done.set()
    sampler.join()
    serving = max(peak, key=lambda pid: peak[pid] - baseline[pid])
    result = {
        "rows_exported": figures["lines"] - 1,
        "seconds": figures["seconds"],
        "megabytes": round(figures["bytes"] / 1e6, 1),
        "peak_rss_mb": round(peak[serving] / 2**20, 1),
        "rss_growth_mb": round((peak[serving] - baseline[serving]) / 2**20, 1),
        "status": figures["status"],
        "seconds_to_insert_rows": round(prepared, 1),
    }
    table(f"export of {EXPORT_ROWS:,} confirmed signatures (CSV through nginx)", list(result.items()))
    save("export", machine, result)
    target("export of 1,000,000 signatures", f"{result['seconds']} s", "< 30 s",
           result["status"] == 200 and result["rows_exported"] == EXPORT_ROWS and result["seconds"] < 30)  # fmt: skip
    target("export, peak memory of its gunicorn worker", f"{result['peak_rss_mb']} MB", "< 150 MB",
           result["peak_rss_mb"] < 150)  # fmt: skip


def scenario_search(stack: Stack, machine: dict, seconds: float) -> None:
    """Evidence search at 100,000 documents: bench/library_search.py in a database of its
    own on the stack's server (created, loaded and dropped there), with a Redis database
    of its own as cache when there is Redis, as the site would use. `seconds` is unused:
    this scenario times a fixed set of searches and facet selections."""
    out = WORK / "search.json"
    env = {**stack.env, "CACHE_URL": "redis://127.0.0.1:6379/13" if stack.redis else "dbcache://"}
    subprocess.run(
        [sys.executable, "bench/library_search.py", "--documents", "100000", "--json", str(out)],
        cwd=BASE_DIR, env=env, check=True, timeout=3600,
    )  # fmt: skip
    figures = json.loads(out.read_text())
    rows = [
        (name, f"p50 {m['p50_ms']} ms  p95 {m['p95_ms']} ms  max {m['max_ms']} ms")
        for name, m in figures["measures"].items()
    ]
    table(f"evidence search at {figures['documents']:,} documents (PostgreSQL {figures['postgresql']})", rows)
    save("search", machine, {"cache": env["CACHE_URL"] if stack.redis else "database cache", **figures})
    for name in ("search, cold", "facets, cold"):
        p95 = figures["measures"][name]["p95_ms"]
        target(f"evidence {name} at 100,000 documents, p95", f"{p95} ms", "< 50 ms", p95 < 50)


def scenario_multinode(stack: Stack, machine: dict, seconds: float) -> None:
    """The signing surge on several machines' parts: nginx of its own balancing two web
    nodes, two workers with hostnames of their own and one beat, all reaching PostgreSQL
    through PgBouncer (transaction pooling) and Redis (databases 11 and 12) as broker and
    cache, as tests/integration/test_multinode.py runs them. The single-node parts stay
    up, idle. Rate, p99 and the ledger: every 302 a row and a mail."""
    import dj_database_url

    if not stack.redis:
        print("\n== multinode: skipped (needs Redis on 127.0.0.1:6379) ==")
        return
    if not processes.pgbouncer_binary():
        if os.geteuid() != 0:
            raise SystemExit("pgbouncer is not installed: apt-get install pgbouncer (as root), then run again")
        print("installing pgbouncer (apt-get)", flush=True)
        apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "pgbouncer"], check=True, env=apt)  # noqa: S607
    import redis

    for db in (11, 12):
        redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
    database = dj_database_url.parse(stack.database_url)
    pgbouncer_port, nginx_port = free_port(), free_port()
    url = f"http://127.0.0.1:{nginx_port}"
    env = {
        **stack.env,
        "DATABASE_URL": f"postgres://{database['USER']}@127.0.0.1:{pgbouncer_port}/{database['NAME']}",
        "DATABASE_POOLER": "pgbouncer",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
        "CACHE_URL": "redis://127.0.0.1:6379/12",
        "SITE_URL": url,
    }
    nodes = {"a": free_port(), "b": free_port()}
    web_workers = max(2, (stack.web_workers + 1) // 2)
    concurrency = max(1, stack.worker_concurrency // 2)
    parts = [
        processes.pgbouncer(
            folder=WORK / "pgbouncer", port=pgbouncer_port, database=database["NAME"],
            host=database["HOST"] or "/var/run/postgresql", database_port=int(database["PORT"] or 5432),
            user=database["USER"], pool_size=4 * stack.cores,
        ),
        *(
            processes.web(
                env={**env, "CAMPAIGN_NODE": node}, bind=f"127.0.0.1:{port}", workers=web_workers,
                threads=stack.web_threads, timeout=300, name=f"web-{node}", log=WORK / f"web-{node}.log",
            )
            for node, port in nodes.items()
        ),
        *(
            processes.worker(
                env=env, hostname=f"bench-{node}@{socket.gethostname()}", concurrency=concurrency,
                loglevel="WARNING", log=WORK / f"worker-{node}.log", niceness=WORKER_NICENESS, name=f"worker-{node}",
            )
            for node in nodes
        ),
        processes.beat(env=env, schedule=WORK / "beat-multinode-schedule", loglevel="WARNING",
                       log=WORK / "beat-multinode.log", name="beat-multinode"),
        processes.nginx(
            folder=WORK / "nginx-multinode", port=nginx_port, static_root=STATIC_ROOT,
            gunicorn=[f"127.0.0.1:{port}" for port in nodes.values()],
        ),
    ]  # fmt: skip
    parts[-1].name = "nginx-multinode"
    single_node = dict(stack.parts)
    try:
        # While it runs, the CPU table counts these parts, not the idle single node's.
        stack.parts = {"smtp": single_node["smtp"], **{part.name: part for part in parts}}
        for part in parts:
            part.start(timeout=120)
        petition_id, slug = slug_of_demo(stack)
        for node_port in nodes.values():  # warm each node, as Stack.warm_up does
            for path in (f"/letters/{slug}/", f"/api/petitions/{slug}/", "/") * 20:
                with urllib.request.urlopen(f"http://127.0.0.1:{node_port}{path}", timeout=60) as reply:  # nosec B310
                    reply.read()
        rows_before = stack.sql("SELECT count(*) FROM petitions_signature WHERE petition_id = %s", [petition_id])[0][0]
        mails_before = stack.mails_received()
        wal = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"
        wal_before = float(stack.sql(wal)[0][0])
        before = stack.cpu_seconds()
        result = subprocess.run(
            [sys.executable, "-m", "bench.load", "sign", "--url", url, "--slug", slug, "--seconds", str(seconds)],
            cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=1800,
        )  # fmt: skip
        after = stack.cpu_seconds()
        surge = {
            **json.loads(result.stdout),
            "cpu_seconds": {part: round(after[part] - before[part], 2) for part in after},
        }
        load_ended = time.monotonic()
        accepted = surge["sign (POST)"]["statuses"].get("302", 0)
        rows = stack.sql("SELECT count(*) FROM petitions_signature WHERE petition_id = %s", [petition_id])[0][0]
        rows -= rows_before
        wait_for(lambda: stack.mails_received() - mails_before >= rows, 600, "the mail queue to drain")
        drain = time.monotonic() - load_ended
        time.sleep(2)  # a duplicate would arrive now
        mails = stack.mails_received() - mails_before
        # The whole server's WAL while the surge and its mails ran: per signature, what a
        # primary writes (and ships to replicas and archive) for it, row, outbox and claims.
        wal_bytes = float(stack.sql(wal)[0][0]) - wal_before
        served = {node: round(surge["cpu_seconds"].get(f"web-{node}", 0), 1) for node in nodes}
    finally:
        processes.stop_all(reversed(parts))
        stack.parts = single_node
    errors = sum(surge["transport_errors"].values()) + sum(
        count for label, status in {"letter page (GET)": "200", "sign (POST)": "302"}.items()
        for other, count in surge[label]["statuses"].items() if other != status
    )  # fmt: skip
    ok = rows == accepted == mails
    ledger = {
        "accepted_per_second": round(accepted / surge["seconds"], 1),
        "accepted": accepted,
        "errors": errors,
        "rows_stored": rows,
        "mails_at_sink": mails,
        "drain_seconds_after_load": round(drain, 1),
        "web_cpu_seconds_per_node": served,
        "wal_bytes_per_signature": round(wal_bytes / rows) if rows else None,
    }
    table(
        f"signing surge on two web nodes behind nginx, PgBouncer, two workers ({surge['concurrency']} at once, "
        f"{surge['seconds']} s)",
        request_rows(surge),
    )
    table("CPU during the surge", cpu_rows(surge, accepted, "accepted signature"))
    table("ledger", list(ledger.items()))
    print(f"  ledger {'balances' if ok else 'DOES NOT BALANCE'}")
    topology = {"web_nodes": 2, "gunicorn_workers_per_node": web_workers, "workers": 2,
                "celery_concurrency_per_worker": concurrency, "pgbouncer_pool_size": 4 * stack.cores}  # fmt: skip
    save("multinode", machine, {"topology": topology, "surge": surge, "ledger": ledger, "ledger_balances": ok})
    # No rate or latency target: on one machine, two nodes share the cores one node had.
    target("two nodes: ledger accepted = rows = mails", f"{accepted} / {rows} / {mails}", "all equal",
           ok and errors == 0)  # fmt: skip


SCENARIOS = {"ceiling": scenario_ceiling, "sign": scenario_sign, "read": scenario_read, "export": scenario_export}
SCENARIOS["search"] = scenario_search
SCENARIOS["multinode"] = scenario_multinode


def scenario_updates(stack: Stack, machine: dict, seconds: float) -> None:
    measured = updates.run(stack)
    result, cpu = measured["result"], measured["cpu_seconds"]
    wanted, received, twice = result["signers_opted_in"], result["mails_at_sink"], result["mails_twice"]
    table(f"an update to {wanted:,} opted-in signers (queue, then deliver to the SMTP sink)", list(result.items()))
    table("CPU from the command to the last mail", cpu_rows({"cpu_seconds": cpu}, received, "mail"))
    save(
        "updates",
        machine,
        {**result, "cpu_seconds": cpu, "worker_rss_mb_over_time": measured["worker_rss_mb_over_time"]},
    )
    target(f"update to {wanted:,} signers queued", f"{result['seconds_to_queue']} s", "< 60 s",
           result["mails_queued"] == wanted and result["seconds_to_queue"] < 60)  # fmt: skip
    target("update mails delivered per second", f"{result['delivery_rate_per_second']}/s", "≥ 300/s",
           result["delivery_rate_per_second"] >= 300)  # fmt: skip
    target("update: every signer mailed, once", f"{received} / {wanted}, {twice} twice", "all, none twice",
           received == wanted and twice == 0)  # fmt: skip
    growth = result["worker_rss_mb_peak_second_half"] - result["worker_rss_mb_peak_first_half"]
    target("update: worker memory flat (peak, second half minus first)", f"{growth:+.1f} MB", "< 20 MB", growth < 20)


SCENARIOS["updates"] = scenario_updates


def scenario_dashboard(stack: Stack, machine: dict, seconds: float) -> None:
    from bench import dashboard

    rows = int(os.environ.get("BENCH_DASHBOARD_ROWS", EXPORT_ROWS))
    result = dashboard.run(stack, ORGANISER, rows)
    table(f"organisers' dashboard at {rows:,} signatures (straight from gunicorn)", list(result.items()))
    save("dashboard", machine, result)
    worst = max(result["dashboard"]["p95_ms"], result["letter page"]["p95_ms"])
    target(f"dashboard pages at {rows:,} signatures, p95", f"{worst} ms", "< 200 ms", worst < 200)


SCENARIOS["dashboard"] = scenario_dashboard


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="60 s per load scenario instead of 10 s")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--serve", type=int, default=0, help="start the stack, serve N seconds (to profile), stop")
    args = parser.parse_args()
    seconds = 60 if args.full else float(os.environ.get("BENCH_SECONDS", "10"))
    # A bench stopped with SIGTERM (or SIGHUP) still stops everything it started.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    stack = Stack()
    machine = {
        "cpu": platform.processor() or platform.machine(),
        "cores": stack.cores,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "database": stack.database_where,
        "broker_and_cache": "Redis 127.0.0.1:6379 (db 14, 15)" if stack.redis else "folder broker, database cache",
        "gunicorn_workers": stack.web_workers,
        "celery_concurrency": stack.worker_concurrency,
        "celery_worker_niceness": WORKER_NICENESS,
        "nginx": stack.nginx_version,
        "seconds_per_load_scenario": seconds,
    }
    print("machine: " + ", ".join(f"{key} {value}" for key, value in machine.items()))
    try:
        stack.start()
        if args.serve:
            print(f"nginx on {stack.url}, gunicorn on {stack.gunicorn_url} (pid {stack.web.pid}) for {args.serve} s",
                  flush=True)  # fmt: skip
            time.sleep(args.serve)
            return
        for name in args.only.split(","):
            SCENARIOS[name.strip()](stack, machine, seconds)
        targets_table(machine)
    finally:
        stack.stop()
        print("\nstopped everything the bench started; results in bench/results/")


if __name__ == "__main__":
    main()
