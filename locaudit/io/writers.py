"""Writers (records out) and the partial-output file that makes ``--resume`` possible.

Results go to ``OUT.partial`` beside the target and are renamed to ``OUT`` only when the run
has finished, so a crash or Ctrl-C never leaves a half-written file under the final name. An
interrupted run leaves ``OUT.partial`` and ``OUT.partial.json`` (what the run was: input,
options, rules); ``--resume`` checks that the new run is the same one, counts the complete
records in the partial file, cuts off a record that was half-written, skips that many input
records and appends. Every writer writes one record per line (a CSV cell's line breaks become
spaces, an HTML note is one line), which is what makes the count exact.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from locaudit.io.records import InputRecord
from locaudit.models import Assessment


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """A text file written under a temporary name and renamed at the end (no resume)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class RecordWriter:
    """Base of the output formats: one complete line per record, a header and a trailer."""

    name: ClassVar[str] = "jsonl"

    def __init__(self, handle: IO[str], *, redact: bool = False, state: Any = None) -> None:
        self.handle = handle
        self.redact = redact

    def begin(self) -> None:
        """What a new file starts with (nothing for JSON Lines)."""

    def write(self, record: InputRecord, result: Assessment) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """What a finished file ends with (nothing for JSON Lines)."""

    @classmethod
    def recover(cls, path: Path) -> tuple[int, Any]:
        """Complete records in a partial file (cutting off a half-written one), and whatever
        state the writer needs to go on appending."""
        return count_lines(path, truncate=True), None


class JsonlWriter(RecordWriter):
    """The contract records, one JSON object per line."""

    name = "jsonl"

    def write(self, record: InputRecord, result: Assessment) -> None:
        self.handle.write(result.model_dump_json() + "\n")


def count_lines(path: Path, *, truncate: bool, skip: int = 0) -> int:
    """Newline-terminated lines of ``path`` less ``skip`` header lines; with ``truncate``, a
    last line without its newline (a record cut short by a kill) is removed from the file."""
    lines = 0
    last_newline = -1
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            n = chunk.count(b"\n")
            if n:
                lines += n
                last_newline = offset + chunk.rindex(b"\n")
            offset += len(chunk)
    if truncate and last_newline + 1 != offset:
        with path.open("r+b") as handle:
            handle.truncate(last_newline + 1)
    return max(0, lines - skip)


def writer_for(path: Path | None, fmt: str = "auto") -> type[RecordWriter]:
    """The writer for an output path: ``.csv``, ``.html``/``.htm``, anything else JSON Lines."""
    from locaudit.io.csv_output import CsvWriter
    from locaudit.io.html_report import HtmlWriter

    by_name: dict[str, type[RecordWriter]] = {
        "jsonl": JsonlWriter,
        "csv": CsvWriter,
        "html": HtmlWriter,
    }
    if fmt != "auto":
        return by_name[fmt]
    suffix = path.suffix.lower() if path else ""
    if suffix == ".csv":
        return CsvWriter
    if suffix in (".html", ".htm"):
        return HtmlWriter
    return JsonlWriter


class ResumeError(Exception):
    """A partial output cannot be continued by this run (the message says why)."""


class PartialOutput:
    """``OUT.partial`` + ``OUT.partial.json`` while a run lasts, ``OUT`` when it is done."""

    def __init__(self, final: Path, writer_cls: type[RecordWriter], fingerprint: dict) -> None:
        self.final = final
        self.partial = final.with_name(final.name + ".partial")
        self.sidecar = final.with_name(final.name + ".partial.json")
        self.writer_cls = writer_cls
        self.fingerprint = fingerprint
        self.handle: IO[str] | None = None
        self.writer: RecordWriter | None = None

    def open(self, *, resume: bool, redact: bool) -> int:
        """Open for writing; returns how many input records a resumed run must skip."""
        self.final.parent.mkdir(parents=True, exist_ok=True)
        done, state = 0, None
        if resume and self.partial.exists():
            self._check_same_run()
            done, state = self.writer_cls.recover(self.partial)
            self.handle = self.partial.open("a", encoding="utf-8", newline="\n")
            self.writer = self.writer_cls(self.handle, redact=redact, state=state)
            if self.partial.stat().st_size == 0:  # killed before even its header was written
                self.writer.begin()
            return done
        self.sidecar.write_text(json.dumps(self.fingerprint, indent=2, sort_keys=True))
        self.handle = self.partial.open("w", encoding="utf-8", newline="\n")
        self.writer = self.writer_cls(self.handle, redact=redact)
        self.writer.begin()
        return 0

    def _check_same_run(self) -> None:
        try:
            before = json.loads(self.sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ResumeError(
                f"{self.partial.name} has no readable {self.sidecar.name}; cannot tell what "
                "run it belongs to (delete it, or run without --resume)"
            ) from None
        changed = sorted(
            key
            for key in set(before) | set(self.fingerprint)
            if before.get(key) != self.fingerprint.get(key)
        )
        if changed:
            raise ResumeError(
                f"{self.partial.name} was written by a different run (changed: "
                f"{', '.join(changed)}); run without --resume to start over"
            )

    def finish(self) -> None:
        """Trailer, flush to disk, rename into place, forget the run's description."""
        assert self.writer is not None and self.handle is not None
        self.writer.end()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.partial, self.final)
        with contextlib.suppress(FileNotFoundError):
            self.sidecar.unlink()

    def abandon(self) -> None:
        """Keep what was written (complete records) for ``--resume``."""
        if self.handle is not None and not self.handle.closed:
            self.handle.flush()
            self.handle.close()
