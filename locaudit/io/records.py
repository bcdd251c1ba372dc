"""Input records and the JSONL reader.

A reader never raises on a bad record: it yields an :class:`InputRecord` with ``error`` set, so
every input line gives exactly one output record, in order. Error messages never quote the
note text (it is protected health information); they name the line and what was wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


@dataclass(slots=True)
class InputRecord:
    id: str
    text: str | None
    billed: Any = None
    meta: dict[str, Any] = field(default_factory=dict)
    error_kind: str | None = None
    error_message: str | None = None


def record_from_obj(
    obj: Any,
    lineno: int,
    id_field: str = "id",
    text_field: str = "text",
    billed_field: str = "billed",
    where: str = "line",
) -> InputRecord:
    """One record from a parsed JSON object or CSV row; ``where`` names the unit that
    ``lineno`` counts ('line', 'row') in the id fallback and in error messages."""
    fallback = f"{where}:{lineno}"
    if not isinstance(obj, dict):
        return InputRecord(
            fallback,
            None,
            error_kind="malformed_record",
            error_message=f"{where} {lineno}: expected a JSON object",
        )
    raw_id = obj.get(id_field)
    record_id = str(raw_id) if raw_id not in (None, "") else fallback
    meta = {k: v for k, v in obj.items() if k not in (id_field, text_field, billed_field)}
    text = obj.get(text_field)
    record = InputRecord(record_id, None, obj.get(billed_field), meta)
    if text is None:
        record.error_kind, record.error_message = (
            "missing_text",
            f"{where} {lineno}: no '{text_field}' field",
        )
    elif not isinstance(text, str):
        record.error_kind = "invalid_text"
        record.error_message = (
            f"{where} {lineno}: '{text_field}' is {type(text).__name__}, not a string"
        )
    elif not text.strip():
        record.error_kind, record.error_message = (
            "empty_text",
            f"{where} {lineno}: the note text is empty",
        )
    else:
        record.text = text
    return record


def read_jsonl(
    handle: IO[bytes], id_field: str = "id", text_field: str = "text", billed_field: str = "billed"
) -> Iterator[InputRecord]:
    """One record per non-blank line; malformed lines become error records."""
    for lineno, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield InputRecord(
                _readable_id(raw, id_field) or f"line:{lineno}",
                None,
                error_kind="invalid_utf8",
                error_message=f"line {lineno}: not valid UTF-8 (byte {exc.start})",
            )
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputRecord(
                f"line:{lineno}",
                None,
                error_kind="malformed_json",
                error_message=f"line {lineno}: invalid JSON at column {exc.colno}",
            )
            continue
        yield record_from_obj(obj, lineno, id_field, text_field, billed_field)


def _readable_id(raw: bytes, id_field: str) -> str | None:
    """The id of a line whose text is not UTF-8, if the id itself is clean (as the CSV reader
    keeps a row's id), so the error record can be matched to its note; else None."""
    try:
        obj = json.loads(raw.decode("utf-8", errors="surrogateescape"))
    except ValueError:
        return None
    value = obj.get(id_field) if isinstance(obj, dict) else None
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        text = str(value)
        if not any("\udc80" <= ch <= "\udcff" for ch in text):
            return text
    return None


def open_input(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rb")
    return path.open("rb")
