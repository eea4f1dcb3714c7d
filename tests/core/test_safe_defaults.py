"""Safe by default: with debug off the site starts only on parts named in the
environment, and says in one line which variable is missing. Each boot is a real
`manage.py` process with an environment of its own: nothing inherited from the tests'."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.conftest import BASE_DIR

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SITE_URL": "https://campaign.example",
    "DJANGO_ALLOWED_HOSTS": "campaign.example",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://campaign@127.0.0.1:5432/campaign",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_HOST": "smtp.campaign.example",
}
REPORT = (
    "from django.conf import settings; import sys; "
    "print(settings.DEBUG, settings.CACHES['default']['BACKEND'], settings.CELERY_BROKER_URL, "
    "settings.EMAIL_BACKEND, 'pgserver' in sys.modules)"
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with exactly `env` (and PATH): no DATABASE_URL or DJANGO_DEBUG of the tests'."""
    environment = {"PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def without(*names: str) -> dict[str, str]:
    return {name: value for name, value in PRODUCTION.items() if name not in names}


def assert_refused(result: subprocess.CompletedProcess, variable: str) -> None:
    assert result.returncode != 0
    assert result.stderr.startswith(f"Set {variable}"), result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr  # one line, no traceback


@pytest.mark.parametrize(
    "variable", ["SITE_URL", "DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_HOST"]
)
def test_settings_with_debug_off_refuse_to_start_without(variable):
    assert_refused(manage("check", **without(variable)), variable)


def test_settings_with_every_part_set_start_with_production_parts():
    result = manage("shell", "--no-imports", "-c", REPORT, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django_redis.cache.RedisCache",
        "redis://127.0.0.1:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
        "False",  # pgserver never imported
    ]


def test_settings_debug_is_off_unless_set():
    result = manage("shell", "--no-imports", "-c", REPORT, **without("DJANGO_DEBUG"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_settings_with_nothing_set_refuse_to_start_and_name_the_rest():
    result = manage("check")
    assert_refused(result, "SITE_URL")
    assert "Also unset: DJANGO_SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, CACHE_URL, EMAIL_HOST." in result.stderr


def test_settings_allow_the_folder_broker_and_database_cache_when_named(tmp_path):
    env = {**PRODUCTION, "CELERY_BROKER_URL": "filesystem://", "CACHE_URL": "dbcache://"}
    result = manage("shell", "--no-imports", "-c", REPORT, CAMPAIGN_BROKER_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:3] == ["django.core.cache.backends.db.DatabaseCache", "filesystem://"]


def test_settings_allow_the_development_key_on_a_loopback_site():
    env = without("DJANGO_SECRET_KEY") | {"SITE_URL": "http://127.0.0.1:8000", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    assert manage("check", **env).returncode == 0


@pytest.mark.parametrize("site_url", ["http://localhost:8000", "http://[::1]:8000"])
def test_settings_count_localhost_and_ipv6_loopback_as_loopback(site_url):
    assert manage("check", **without("DJANGO_SECRET_KEY") | {"SITE_URL": site_url}).returncode == 0


def test_settings_refuse_the_development_key_on_a_public_site():
    result = manage("check", **PRODUCTION | {"DJANGO_SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production"})
    assert_refused(result, "DJANGO_SECRET_KEY")


def test_settings_refuse_a_short_secret_key():
    assert_refused(manage("check", **PRODUCTION | {"DJANGO_SECRET_KEY": "short"}), "DJANGO_SECRET_KEY")


def test_settings_with_debug_on_fall_back_to_laptop_parts(tmp_path):
    env = {"DJANGO_DEBUG": "true", "DATABASE_URL": PRODUCTION["DATABASE_URL"], "CAMPAIGN_BROKER_DIR": str(tmp_path)}
    result = manage("shell", "--no-imports", "-c", REPORT, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:4] == [
        "True",
        "django.core.cache.backends.db.DatabaseCache",
        "filesystem://",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_allowed_hosts_default_to_the_site_url_host():
    code = "from django.conf import settings; print(settings.ALLOWED_HOSTS[0])"
    result = manage("shell", "--no-imports", "-c", code, **without("DJANGO_ALLOWED_HOSTS"))
    assert result.stdout.strip() == "campaign.example", result.stderr


def test_requirements_leave_the_embedded_postgresql_to_laptops():
    production = (BASE_DIR / "requirements.txt").read_text()
    laptop = (BASE_DIR / "requirements-laptop.txt").read_text()
    assert "pgserver" not in production
    assert "pgserver==" in laptop and "-r requirements.txt" in laptop
    assert "-r requirements-laptop.txt" in (BASE_DIR / "requirements-dev.txt").read_text()
