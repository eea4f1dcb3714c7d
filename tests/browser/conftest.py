"""The axe results of tests/browser/test_axe.py, listed after the run (a test's own output
is captured; this list is what the closing notes of an accessibility change quote)."""

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
