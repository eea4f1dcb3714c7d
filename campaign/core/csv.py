"""CSV that streams and that a spreadsheet cannot mistake for a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


CHUNK_CHARS = 64 * 1024


def csv_chunks(header: Iterable[str], rows: Iterable[Iterable[object]], *, prefix: str = "") -> Iterator[str]:
    """Rows as CSV text in chunks of about 64 KB, for a streamed response, every cell
    formula-safe. Streaming a row at a time had the server write to its socket once per
    row: a million writes for a million signatures."""
    buffer = io.StringIO()
    buffer.write(prefix)
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([formula_safe(value) for value in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


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
