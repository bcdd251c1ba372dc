"""CSV output: one flat row per note, for the coding QA spreadsheet.

The JSON record is nested (codes, lesions, findings with evidence); a spreadsheet wants one
row per note with the things a coder filters on. Lists are joined with ``; ``. The full record
stays in the JSONL output; this is a view of it, with the contract's field names as columns.

Two guards for spreadsheets: a cell that begins with ``= + - @`` (or a tab or carriage return)
gets a leading apostrophe, so an id like ``=HYPERLINK(...)`` is shown as text and never run as
a formula (CSV injection); and line breaks inside a cell become spaces, so every row is one
line (which also keeps ``--resume``'s count exact).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from locaudit.io.records import InputRecord
from locaudit.io.writers import RecordWriter, count_lines
from locaudit.models import Assessment

COLUMNS = (
    "id",
    "verdict",
    "units_19284",
    "codes",
    "lesions",
    "lesion_details",
    "same_session",
    "findings",
    "query",
    "billed_status",
    "error_kind",
    "error_message",
    "locaudit_version",
    "rules",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A value as a spreadsheet-safe cell (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = " ".join(str(value).splitlines()) if isinstance(value, str) else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def flat_row(result: Assessment) -> list[str]:
    codes = "; ".join(
        c.code
        + (f"-{'/'.join(c.modifiers)}" if c.modifiers else "")
        + (f" x{c.units}" if c.units > 1 else "")
        for c in result.codes
    )
    lesions = "; ".join(
        f"{les.index}: {les.laterality or '?'} {les.guidance or '?'} "
        f"{'+'.join(les.devices) or '?'} {les.purpose}"
        for les in result.lesions
    )
    values: list[Any] = [
        result.id,
        result.verdict,
        result.units_19284,
        codes,
        len(result.lesions),
        lesions,
        result.same_session,
        "; ".join(f.code for f in result.findings),
        result.query,
        result.billed_check.status if result.billed_check else None,
        result.error.kind if result.error else None,
        result.error.message if result.error else None,
        result.version.locaudit,
        result.version.rules,
    ]
    return [safe_cell(v) for v in values]


class CsvWriter(RecordWriter):
    name = "csv"

    def __init__(self, handle, *, redact: bool = False, state: Any = None) -> None:
        super().__init__(handle, redact=redact, state=state)
        self.csv = csv.writer(handle, lineterminator="\n")

    def begin(self) -> None:
        self.csv.writerow(COLUMNS)

    def write(self, record: InputRecord, result: Assessment) -> None:
        self.csv.writerow(flat_row(result))

    @classmethod
    def recover(cls, path: Path) -> tuple[int, Any]:
        return count_lines(path, truncate=True, skip=1), None
