"""Cells stay cells, and formulas stay text, whatever separator a spreadsheet splits on."""

import pytest

from campaign.core.csv import csv_chunks, formula_safe


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("x;=cmd|' /C calc'!A0", "x;'=cmd|' /C calc'!A0"),
        ("x,+1", "x,'+1"),
        ("x\t-1", "x\t'-1"),
        ("first line\n@SUM(A1)", "first line\n'@SUM(A1)"),
        ("x; =cmd", "x; '=cmd"),
        ('x;"=cmd"', 'x;"\'=cmd"'),
        ("\t=cmd", "'\t'=cmd"),
    ],
)
def test_formula_safe_neutralises_a_formula_after_any_separator(value, safe):
    assert formula_safe(value) == safe


@pytest.mark.parametrize("value", ["Jean-Luc Picard", "a+b@example.org", "2026-01-02", "O'Brien; Smith", "x = y"])
def test_formula_safe_leaves_text_without_a_formula_alone(value):
    assert formula_safe(value) == value


def test_csv_chunks_quote_every_cell_header_included():
    text = "".join(csv_chunks(["name", "count"], [["Zoë", 3], [None, True]]))
    assert text.splitlines() == ['"name","count"', '"Zoë","3"', '"","yes"']


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_csv_chunks_no_cell_split_on_any_separator_starts_a_formula(separator):
    hostile = ["x;=cmd|' /C calc'!A0", "a,=1+1", "b\t@SUM(A1)", "=HYPERLINK()", "c\n-2"]
    text = "".join(csv_chunks(["one"], [[value] for value in hostile]))
    # A spreadsheet that ignores the quotes and splits on this separator and on lines.
    pieces = [piece.strip('"') for line in text.splitlines() for piece in line.split(separator)]
    assert all(not piece.startswith(("=", "+", "-", "@")) for piece in pieces), pieces
