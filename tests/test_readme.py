"""The README's configuration table and the code cannot drift apart."""

import re

from tests.conftest import BASE_DIR

ENV_READ = re.compile(
    r"""(?:env|env_bool|env_int|os\.environ\.get|os\.environ\.setdefault)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)
TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|", re.MULTILINE)
IGNORED = {"DJANGO_SETTINGS_MODULE", "CI", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def variables_in_code() -> set[str]:
    names: set[str] = set()
    for path in (BASE_DIR / "campaign").rglob("*.py"):
        names |= set(ENV_READ.findall(path.read_text()))
    return names - IGNORED


def variables_in_readme() -> set[str]:
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(TABLE_ROW.findall(section))


def test_every_variable_the_code_reads_is_documented():
    assert variables_in_code() - variables_in_readme() == set()


def test_the_readme_documents_no_variable_the_code_ignores():
    assert variables_in_readme() - variables_in_code() == set()


def test_readme_names_the_two_commands():
    readme = (BASE_DIR / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
