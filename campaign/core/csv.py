"""CSV that streams and that a spreadsheet cannot mistake for a formula."""

from __future__ import annotations

from datetime import datetime

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose write returns the line, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def formula_safe(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
