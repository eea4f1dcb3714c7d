"""CSV that streams and that a spreadsheet cannot mistake for a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet whose locale lists with ";" (or one told to split on tabs or commas)
# may cut a cell there, so a formula after any separator counts as at the start of a
# cell. Leading spaces or quotes do not stop one either.
FORMULA_AFTER_SEPARATOR = re.compile(r"(^|[,;\t\r\n])([ \"]*)(?=[=+\-@])")
# Makes Excel read the file as UTF-8: without it, "Fernández" opens as "FernÃ¡ndez".
EXCEL_BOM = "\ufeff"

CHUNK_CHARS = 64 * 1024


def csv_chunks(header: Iterable[str], rows: Iterable[Iterable[object]], *, prefix: str = "") -> Iterator[str]:
    """Rows as CSV text in chunks of about 64 KB, for a streamed response, every cell
    quoted and formula-safe. Streaming a row at a time had the server write to its
    socket once per row: a million writes for a million signatures."""
    buffer = io.StringIO()
    buffer.write(prefix)
    # Quoted, a cell stays one cell in a spreadsheet whatever separator its locale uses.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow([formula_safe(value) for value in header])
    for row in rows:
        writer.writerow([formula_safe(value) for value in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def formula_safe(value: object) -> str:
    """The cell's text, with an apostrophe before anything a spreadsheet would read as
    a formula: at the start of the cell or after a separator."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    text = FORMULA_AFTER_SEPARATOR.sub(r"\1\2'", str(value))
    if text.startswith(("\t", "\r")):
        return "'" + text
    return text
