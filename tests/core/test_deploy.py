"""Production settings: Django's deployment checks pass."""

from tests.core.test_safe_defaults import PRODUCTION, manage


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
