"""CSV input: a header row, then one note per row; notes may span lines inside quoted cells.

Spreadsheet and EHR exports are messy, so nothing here raises on a bad row: a row that cannot
be parsed, or whose text is not UTF-8, becomes an ``error`` record in its place. Messages name
the row, the physical line and the field, never the note text.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from typing import IO

from locaudit.io.records import InputRecord, record_from_obj

# Notes are long; the csv module's default cell limit (128 KiB) would turn a long note into a
# parse error. The pipeline's own limit (spaCy's max_length) still applies later.
FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)


def read_csv(
    handle: IO[bytes],
    id_field: str = "id",
    text_field: str = "text",
    billed_field: str = "billed",
) -> Iterator[InputRecord]:
    """One record per data row (row 1 is the first row after the header)."""
    csv.field_size_limit(FIELD_LIMIT)
    # surrogateescape: a stray non-UTF-8 byte spoils only its own row, not the rest of the file
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error:
        yield _bad(1, 1, "the header row cannot be parsed as CSV")
        return
    header = [name.strip() for name in header]
    rowno = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            rowno += 1
            yield _bad(rowno, line, f"not valid CSV ({_csv_reason(exc)})")
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line between rows is not a record
        rowno += 1
        if len(cells) != len(header):
            yield _bad(
                rowno,
                line,
                f"{len(cells)} cells where the header has {len(header)}",
                _cell(header, cells, id_field),
            )
            continue
        row = dict(zip(header, cells))
        spoiled = [name for name, value in row.items() if _UNDECODABLE.search(value)]
        if spoiled:
            yield _bad(
                rowno,
                line,
                f"field '{spoiled[0]}' is not valid UTF-8",
                None if id_field in spoiled else row.get(id_field),
                kind="invalid_utf8",
            )
            continue
        record = record_from_obj(row, rowno, id_field, text_field, billed_field, where="row")
        if record.error_message:
            record.error_message += f" (line {line})"
        yield record


def _cell(header: list[str], cells: list[str], name: str) -> str | None:
    if name in header and header.index(name) < len(cells):
        value = cells[header.index(name)]
        return value if value and not _UNDECODABLE.search(value) else None
    return None


def _csv_reason(exc: csv.Error) -> str:
    # csv's messages describe the syntax ("field larger than field limit", "line contains
    # NUL"); they do not quote cells, but keep only the part before any colon to be sure.
    return str(exc).split(":", 1)[0]


def _bad(
    rowno: int,
    line: int,
    what: str,
    record_id: str | None = None,
    kind: str = "malformed_csv",
) -> InputRecord:
    return InputRecord(
        record_id or f"row:{rowno}",
        None,
        error_kind=kind,
        error_message=f"row {rowno} (line {line}): {what}",
    )
