"""Which reader reads an input, and how far it has got.

``open_source`` picks the reader from ``--input-format`` or, by default, from the path: a
directory of ``.txt`` notes, ``.csv``, ``.jsonl``, ``.ndjson`` (FHIR when its first line is a
FHIR resource, plain JSON Lines otherwise) and ``.json`` (a FHIR Bundle), each also gzipped
(``.gz``). Any other file name is read as JSON Lines, as before.

A file that ends early (a truncated gzip, a disk error) gives one ``error`` record
(``truncated_input``) after the last record that could be read; the records before it stand.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from locaudit.io.csv_input import read_csv
from locaudit.io.encoding import utf8_stream
from locaudit.io.fhir import read_fhir_bundle, read_fhir_ndjson
from locaudit.io.records import InputRecord, read_jsonl
from locaudit.io.text_dir import count_files, read_text_dir

InputFormat = Literal["auto", "jsonl", "csv", "dir", "fhir", "fhir-ndjson"]
INPUT_FORMATS: tuple[str, ...] = InputFormat.__args__  # type: ignore[attr-defined]


def detect_format(path: Path) -> str:
    """The reader for ``path`` when ``--input-format`` is ``auto``."""
    if path.is_dir():
        return "dir"
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json"):
        return "fhir"
    if name.endswith(".ndjson"):
        return "fhir-ndjson" if _first_line_is_fhir(path) else "jsonl"
    return "jsonl"


def _first_line_is_fhir(path: Path) -> bool:
    try:
        with _open(path) as handle:
            for raw in utf8_stream(handle):
                if raw.strip():
                    obj = json.loads(raw.decode("utf-8-sig"))
                    return isinstance(obj, dict) and "resourceType" in obj
    except (OSError, EOFError, zlib.error, ValueError):
        pass
    return False


def _open(path: Path, raw: IO[bytes] | None = None) -> IO[bytes]:
    handle = raw if raw is not None else path.open("rb")
    if path.name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


@dataclass
class Source:
    """An input being read: its records, and how far the reading has got (for the ETA)."""

    path: Path
    fmt: str
    id_field: str = "id"
    text_field: str = "text"
    billed_field: str = "billed"
    read: int = 0  # records handed out so far
    _raw: IO[bytes] | None = field(default=None, repr=False)

    @property
    def total_units(self) -> int | None:
        """Bytes of the file (or number of notes of a folder), None if unknown."""
        try:
            return count_files(self.path) if self.fmt == "dir" else self.path.stat().st_size
        except OSError:
            return None

    def done_units(self) -> int:
        """How far into ``total_units`` the reading is (read ahead by a buffer or so)."""
        if self.fmt == "dir":
            return self.read
        try:
            return self._raw.tell() if self._raw is not None and not self._raw.closed else 0
        except (OSError, ValueError):
            return 0

    def records(self) -> Iterator[InputRecord]:
        """Every record, in input order; never raises on bad content."""
        if self.fmt == "dir":
            inner = read_text_dir(self.path)
            yield from self._counted(inner)
            return
        with self.path.open("rb") as raw:
            self._raw = raw
            handle = utf8_stream(_open(self.path, raw))
            if self.fmt == "csv":
                inner = read_csv(handle, self.id_field, self.text_field, self.billed_field)
            elif self.fmt == "fhir":
                inner = read_fhir_bundle(handle, self.id_field, self.billed_field)
            elif self.fmt == "fhir-ndjson":
                inner = read_fhir_ndjson(handle, self.id_field, self.billed_field)
            else:
                inner = read_jsonl(handle, self.id_field, self.text_field, self.billed_field)
            yield from self._counted(inner)

    def _counted(self, inner: Iterator[InputRecord]) -> Iterator[InputRecord]:
        try:
            for record in inner:
                self.read += 1
                yield record
        except (OSError, EOFError, zlib.error) as exc:
            self.read += 1
            reason = (
                "the compressed stream ends early"
                if isinstance(exc, EOFError)
                else (type(exc).__name__)
            )
            yield InputRecord(
                f"input:{self.read}",
                None,
                error_kind="truncated_input",
                error_message=f"{self.path.name}: reading stopped after record {self.read - 1}"
                f" ({reason})",
            )


def open_source(
    path: Path,
    fmt: str = "auto",
    id_field: str = "id",
    text_field: str = "text",
    billed_field: str = "billed",
) -> Source:
    return Source(
        path,
        detect_format(path) if fmt == "auto" else fmt,
        id_field,
        text_field,
        billed_field,
    )
