"""The production kit: what this machine can check of it without pulling an image.

The Procfile, the Docker image's entrypoint and the systemd units start the same
programs; compose.yaml parses and runs every part docs/operations.md names; every
variable the kit sets is one the README documents; the locks pin every requirement
with hashes; honcho runs the Procfile against the test database; every page links to
the source code (AGPL section 13)."""

from __future__ import annotations

import configparser
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver

from campaign.core import processes
from tests.conftest import BASE_DIR, database_url_for_children, free_port, skip_or_fail, wait_until
from tests.factories import PetitionFactory
from tests.test_readme import variables_in_readme

DEPLOY = BASE_DIR / "deploy"
SYSTEMD = DEPLOY / "systemd"
# What each process runs: the program and what it is told to run, as (program, target).
ENTRY_POINTS = {
    "web": [("gunicorn", "campaign.wsgi")],
    "worker": [("celery", "campaign worker")],
    "beat": [("celery", "campaign beat")],
    "release": [("manage.py", "migrate"), ("manage.py", "collectstatic")],
}


def entry_points(command: str) -> list[tuple[str, str]]:
    """The programs a shell command line runs, each as (program, target): gunicorn and
    its WSGI module, celery and "-A app subcommand", manage.py and its command."""
    found = []
    for part in re.split(r"&&|;|\n", command):
        words = shlex.split(part)
        while words and words[0] in ("exec", "nice"):
            words = words[3:] if words[0] == "nice" and words[1:2] == ["-n"] else words[1:]
        if not words:
            continue
        program = Path(words[0]).name
        if program == "gunicorn":
            found.append(("gunicorn", next(word for word in words[1:] if not word.startswith("-"))))
        elif program == "celery":
            app = words[words.index("-A") + 1]
            subcommand = next(word for word in words[words.index("-A") + 2 :] if not word.startswith("-"))
            found.append(("celery", f"{app} {subcommand}"))
        elif program.startswith("python") and words[1:2] == ["manage.py"]:
            found.append(("manage.py", words[2]))
    return found


def procfile() -> dict[str, str]:
    lines = (BASE_DIR / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if re.match(r"^[a-z]+:", line))


def entrypoint_branches() -> dict[str, str]:
    """deploy/docker-entrypoint.sh's `case` branches: the argument and its commands."""
    script = (DEPLOY / "docker-entrypoint.sh").read_text()
    branches = re.findall(r"^\s{4}(\w+)\)\n(.*?);;", script, re.MULTILINE | re.DOTALL)
    return {
        name: "\n".join(line for line in body.replace("\\\n", " ").splitlines() if not line.strip().startswith("#"))
        for name, body in branches
    }


def unit(name: str) -> tuple[configparser.ConfigParser, list[str]]:
    """A systemd unit parsed as INI, and its ExecStart lines (a oneshot may have several)."""
    text = (SYSTEMD / name).read_text()
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser, re.findall(r"^ExecStart=(.*)$", text, re.MULTILINE)


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line))


# --- One set of entry points ----------------------------------------------------------------


def test_procfile_runs_web_worker_beat_and_the_release_step():
    assert {name: entry_points(command) for name, command in procfile().items()} == ENTRY_POINTS


def test_procfile_web_binds_gunicorn_to_loopback_on_port():
    words = shlex.split(procfile()["web"])
    assert "--bind" in words
    assert words[words.index("--bind") + 1] == "127.0.0.1:${PORT:-8000}"


def test_docker_image_runs_the_procfile_commands_and_web_by_default():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]' in dockerfile
    assert re.search(r'^CMD \["web"\]$', dockerfile, re.MULTILINE)
    branches = entrypoint_branches()
    assert {name: entry_points(branches[name]) for name in ENTRY_POINTS} == ENTRY_POINTS


def test_docker_image_builds_psycopg2_from_source_and_runs_as_no_root():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "libpq-dev" in dockerfile and "--require-hashes -r /tmp/requirements.lock" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER 10001", dockerfile, re.MULTILINE)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.MULTILINE)
    lock = locked(BASE_DIR / "requirements.lock")
    assert "psycopg2" in lock and "psycopg2-binary" not in lock


def test_systemd_units_run_the_procfile_commands():
    for name, service in [
        ("web", "campaign-web.service"),
        ("worker", "campaign-worker.service"),
        ("beat", "campaign-beat.service"),
        ("release", "campaign-release.service"),
    ]:
        _, exec_starts = unit(service)
        assert [point for line in exec_starts for point in entry_points(line)] == ENTRY_POINTS[name], service
    _, web = unit("campaign-web.service")
    assert "--bind 127.0.0.1:${PORT}" in web[0]


def test_systemd_units_run_hardened_as_their_own_user_with_the_environment_file():
    services = sorted(path.name for path in SYSTEMD.glob("*.service") if path.name != "campaign-worker-restart.service")
    assert len(services) == 5
    for name in services:
        parser, _ = unit(name)
        service = parser["Service"]
        assert service["User"] == "campaign", name
        assert service["EnvironmentFile"] == "/etc/campaign/campaign.env", name
        for option, value in [
            ("NoNewPrivileges", "yes"),
            ("ProtectSystem", "strict"),
            ("PrivateTmp", "yes"),
            ("ProtectHome", "yes"),
        ]:
            assert service[option] == value, (name, option)


def test_systemd_timer_probes_the_worker_and_a_failure_restarts_it():
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read_string((SYSTEMD / "campaign-worker-alive.timer").read_text())
    assert timer["Timer"]["OnUnitActiveSec"] == "30s"
    probe, probe_exec = unit("campaign-worker-alive.service")
    assert [entry_points(line) for line in probe_exec] == [[("manage.py", "worker_alive")]]
    assert probe["Unit"]["OnFailure"] == "campaign-worker-restart.service"
    _, restart = unit("campaign-worker-restart.service")
    assert restart == ["/bin/systemctl restart campaign-worker.service"]


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """systemd's own check: every directive known, every value well-formed. The units
    are copied with this virtualenv's programs in place of /srv/campaign/.venv/bin."""
    analyze = processes.shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    for path in SYSTEMD.iterdir():
        text = path.read_text().replace("/srv/campaign/.venv/bin/", f"{Path(sys.executable).parent}/")
        (tmp_path / path.name).write_text(text)
    units = sorted(str(path) for path in tmp_path.iterdir())
    result = subprocess.run(
        [analyze, "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


# --- compose.yaml ---------------------------------------------------------------------------


def test_compose_runs_every_part_operations_names():
    services = compose()["services"]
    assert {"nginx", "web", "worker", "beat", "postgres", "redis"} <= set(services)
    operations = (BASE_DIR / "docs" / "operations.md").read_text()
    for part in ("nginx", "gunicorn", "worker", "beat", "PostgreSQL", "Redis"):
        assert part in operations
    assert services["postgres"]["image"].startswith("postgres:16")
    for name in ("release", "web", "worker", "beat"):
        assert services[name]["build"] == "." and services[name]["command"] in entrypoint_branches(), name
    assert "./deploy/nginx.conf:/etc/nginx/templates/nginx.conf.template:ro" in services["nginx"]["volumes"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_compose_checks_health_on_the_health_endpoints_and_the_worker_probe():
    services = compose()["services"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/readyz" in " ".join(services["nginx"]["healthcheck"]["test"])
    assert services["worker"]["healthcheck"]["test"][-2:] == ["manage.py", "worker_alive"]
    assert "ports" not in services["web"]  # only nginx is reachable from outside


def test_compose_fills_every_nginx_placeholder():
    nginx_env = compose()["services"]["nginx"]["environment"]
    assert set(processes.NGINX_PLACEHOLDERS) <= set(nginx_env)


def test_every_variable_the_kit_sets_is_in_the_readme_table():
    services = compose()["services"]
    site_variables = set(env_example())
    for name in ("release", "web", "worker", "beat"):
        site_variables |= set(services[name].get("environment", {}))
    # Read by the postgres image (and put into the site's DATABASE_URL by compose.yaml).
    site_variables -= {"POSTGRES_PASSWORD"}
    assert site_variables - variables_in_readme() == set()


def test_env_example_sets_what_a_production_boot_needs():
    variables = env_example()
    assert variables["DJANGO_DEBUG"] == "false"
    for name in ("DJANGO_SECRET_KEY", "SITE_URL", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_HOST"):
        assert name in variables


# --- Locks ------------------------------------------------------------------------------------


def locked(path: Path) -> dict[str, str]:
    """name → version of every package in a pip-compile lock; each must carry a hash."""
    text = path.read_text()
    packages = {}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n?)+)", text, re.M):
        packages[match.group(1).lower().replace("_", "-")] = match.group(2)
    requirement_lines = [line for line in text.splitlines() if re.match(r"^[A-Za-z0-9]", line)]
    assert len(requirement_lines) == len(packages), f"{path.name}: a requirement without a hash"
    return packages


def pinned(path: Path) -> dict[str, str]:
    """name → version of the pins in a requirements file and the files it includes."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins |= pinned(path.parent / line[3:].strip())
        elif "==" in line:
            name, version = line.split("==")
            pins[re.sub(r"\[.*\]", "", name).lower().replace("_", "-")] = version
    return pins


def test_locks_hold_every_pinned_requirement_at_its_version():
    """A requirements*.txt change without `make lock` fails here."""
    production = pinned(BASE_DIR / "requirements-production.txt")
    development = pinned(BASE_DIR / "requirements-dev.txt")
    if (BASE_DIR / "requirements-laptop.txt").exists():
        development |= pinned(BASE_DIR / "requirements-laptop.txt")
    for lock, pins in [("requirements.lock", production), ("requirements-dev.lock", development)]:
        packages = locked(BASE_DIR / lock)
        assert {name: packages.get(name) for name in pins} == pins, lock


def test_locks_agree_on_every_package_they_share():
    production = locked(BASE_DIR / "requirements.lock")
    development = locked(BASE_DIR / "requirements-dev.lock")
    assert {name: development[name] for name in production if name in development} == {
        name: version for name, version in production.items() if name in development
    }
    assert "psycopg2-binary" in development and "psycopg2" not in development


def test_pyproject_accepts_every_python_from_3_11():
    pyproject = (BASE_DIR / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in pyproject


# --- honcho -----------------------------------------------------------------------------------


def honcho(*args: str) -> list[str]:
    # -e /dev/null: a developer's own .env in the checkout must not steer the test.
    return [sys.executable, "-m", "honcho", "-e", "/dev/null", *args]


def test_honcho_accepts_the_procfile():
    result = subprocess.run(honcho("check"), cwd=BASE_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "web, worker, beat, release" in result.stderr


@pytest.mark.integration
def test_honcho_runs_the_release_step_then_the_site_from_the_procfile(transactional_db, smtp_sink, tmp_path):
    """A production environment (debug off, PostgreSQL, Redis, SMTP), as a host gets it
    from deploy/env.example: `honcho start release`, then web, worker and beat serve."""
    if not processes.shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    database_url = database_url_for_children()
    redis_port, web_port = free_port(), free_port()
    redis = processes.Child(
        "redis",
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        env=processes.environment(),
        log=tmp_path / "redis.log",
        ready=lambda child: processes.port_open(redis_port),
    ).start(timeout=10)
    base = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "PORT")}
    env = processes.environment(
        base,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SITE_URL=f"http://127.0.0.1:{web_port}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/1",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_sink.port),
        WEB_CONCURRENCY="1",
    )
    site = None
    try:
        release = subprocess.run(
            honcho("start", "release"), cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert release.returncode == 0, release.stdout[-3000:]
        site = processes.Child(
            "honcho",
            honcho("start", "-p", str(web_port), "web", "worker", "beat"),
            env=env,
            log=tmp_path / "honcho.log",
        ).start()
        started = time.monotonic()
        wait_until(lambda: processes.port_open(web_port), timeout=60, what="gunicorn under honcho")
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/", timeout=10) as response:
            assert response.status == 200
        wait_until(lambda: b" ready." in site.log_since_start(), timeout=60, what="the worker's ready line")
        wait_until(lambda: b"beat: Starting" in site.log_since_start(), timeout=60, what="beat starting")
        assert site.running(), site.log()[-3000:]
        print(f"honcho: web, worker and beat up {time.monotonic() - started:.1f} s after start")
    finally:
        if site is not None:
            site.stop()
        redis.kill()


# --- The source, on every page (AGPL section 13) ----------------------------------------------


def public_paths() -> list[str]:
    """Every route without a parameter outside the admin, the API and the account pages."""
    paths: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if "<" in route or route.startswith("^"):
                continue
            if isinstance(pattern, URLResolver):
                if route not in ("admin/", "api/", "accounts/"):
                    walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                paths.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return paths


@pytest.mark.django_db
def test_every_public_page_links_to_the_source_code(client, settings):
    settings.SOURCE_URL = "https://code.example.net/our-fork"
    letter = PetitionFactory()
    paths = [*public_paths(), f"/letters/{letter.slug}/", "/accounts/login/", "/no-such-page/"]
    checked = []
    for path in paths:
        response = client.get(path)
        if not response["Content-Type"].startswith("text/html") or response.status_code not in (200, 404):
            continue
        assert b'<a href="https://code.example.net/our-fork">Source code</a>' in response.content, path
        checked.append(path)
    assert {"/", "/letters/", f"/letters/{letter.slug}/", "/coalition/", "/privacy/", "/evidence/"} <= set(checked)
    assert "/no-such-page/" in checked and len(checked) >= 12
