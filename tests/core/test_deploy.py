"""Production settings: Django's deployment checks pass, and a missing secret stops the boot."""

import os
import secrets
import subprocess
import sys

from tests.conftest import BASE_DIR

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SITE_URL": "https://campaign.example",
    "DJANGO_ALLOWED_HOSTS": "campaign.example",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_SECRET_KEY", None)
    # Set by the browser fixture for its own process; a production boot never has it.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_refuses_to_start():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
