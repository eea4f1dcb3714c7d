"""Every shipped language is complete: each message the code and templates contain has a
translation that is neither empty nor fuzzy, the catalogues pass gettext's own checks, and
the compiled files the site loads say the same as the catalogues."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "campaign" / "locale"
SHIPPED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def locale_dir(code: str) -> str:
    language, _, region = code.partition("-")
    return f"{language}_{region.upper()}" if region else language


def gettext_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def catalogues_of_today(tmp_path_factory):
    """The catalogues as `make messages` would leave them with the code as it is now: new
    messages appear in them untranslated. makemessages writes next to the sources it
    walks, so it walks a copy."""
    copy = tmp_path_factory.mktemp("project")
    base = Path(settings.BASE_DIR)
    for tree in ("campaign", "templates"):
        shutil.copytree(base / tree, copy / tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    original = settings.LOCALE_PATHS
    settings.LOCALE_PATHS = [copy / "campaign" / "locale"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        try:
            call_command("makemessages", locale=[locale_dir(code) for code in SHIPPED], no_location=True, verbosity=0)
        finally:
            settings.LOCALE_PATHS = original
    return copy / "campaign" / "locale"


@pytest.mark.parametrize("code", SHIPPED)
def test_catalogue_translates_every_message_of_the_code(code, catalogues_of_today):
    po = catalogues_of_today / locale_dir(code) / "LC_MESSAGES" / "django.po"
    # e.g. "1299 translated messages, 2 fuzzy translations, 3 untranslated messages."
    statistics = gettext_tool("msgfmt", "--statistics", "--output-file", "/dev/null", str(po)).stderr
    missing = gettext_tool("msgattrib", "--untranslated", "--no-obsolete", str(po)).stdout
    fuzzy = gettext_tool("msgattrib", "--only-fuzzy", "--no-obsolete", str(po)).stdout
    assert "untranslated" not in statistics, f"{code}: {statistics}{missing[:3000]}"
    assert "fuzzy" not in statistics, f"{code}: {statistics}{fuzzy[:3000]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_catalogue_passes_gettexts_checks_and_is_compiled(code, tmp_path):
    po = LOCALE / locale_dir(code) / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    # --check compares every placeholder of python-format messages with its msgid's.
    gettext_tool("msgfmt", "--check", "--output-file", str(tmp_path / "django.mo"), str(po))
    fresh = gettext_tool("msgunfmt", str(tmp_path / "django.mo")).stdout
    assert gettext_tool("msgunfmt", str(mo)).stdout == fresh, f"{mo} is older than its catalogue: run `make messages`"
