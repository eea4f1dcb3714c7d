import csv
import io
from datetime import UTC, datetime

import pytest

from campaign.core.csv import Echo, formula_safe


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_safe_neutralises_formula_prefixes(value):
    assert formula_safe(value) == "'" + value


def test_formula_safe_keeps_plain_text_and_renders_values():
    assert formula_safe("Zoë O'Brien") == "Zoë O'Brien"
    assert formula_safe(None) == ""
    assert formula_safe(True) == "yes"
    assert formula_safe(datetime(2026, 1, 2, tzinfo=UTC)) == "2026-01-02T00:00:00+00:00"


def test_echo_writer_round_trips_through_csv():
    writer = csv.writer(Echo())
    line = writer.writerow(["a,b", 'say "hi"', "line\nbreak"])
    assert next(csv.reader(io.StringIO(line))) == ["a,b", 'say "hi"', "line\nbreak"]
