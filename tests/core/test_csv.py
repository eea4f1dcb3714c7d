import csv
import io
from datetime import UTC, datetime

import pytest

from campaign.core.csv import CHUNK_CHARS, csv_chunks, formula_safe


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_safe_neutralises_formula_prefixes(value):
    assert formula_safe(value) == "'" + value


def test_formula_safe_keeps_plain_text_and_renders_values():
    assert formula_safe("Zoë O'Brien") == "Zoë O'Brien"
    assert formula_safe(None) == ""
    assert formula_safe(True) == "yes"
    assert formula_safe(datetime(2026, 1, 2, tzinfo=UTC)) == "2026-01-02T00:00:00+00:00"


def test_csv_chunks_round_trip_through_a_csv_reader():
    rows = [["a,b", 'say "hi"', "line\nbreak"], ["=cmd", None, True]]
    text = "".join(csv_chunks(["one", "two", "three"], rows, prefix="\ufeff"))
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["one", "two", "three"],
        ["a,b", 'say "hi"', "line\nbreak"],
        ["'=cmd", "", "yes"],
    ]


def test_csv_chunks_come_in_pieces_of_about_64_kb():
    rows = ([f"signer {n}", "x" * 100] for n in range(5000))
    chunks = list(csv_chunks(["name", "note"], rows))
    assert len(chunks) > 1
    assert all(CHUNK_CHARS <= len(chunk) < CHUNK_CHARS + 200 for chunk in chunks[:-1])
    assert sum(chunk.count("\n") for chunk in chunks) == 5001
