"""A directory of notes: every ``*.txt`` (or ``*.txt.gz``) file below it is one note.

The id is the path relative to the directory, with forward slashes, so ids are the same on
every machine. Files are visited in a stable order (a folder's own files by name, then its
subfolders by name, recursively), so two runs over the same folder give the same order,
which ``--resume`` relies on. The walk holds one directory listing at a time, never the whole tree.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from locaudit.io.encoding import decode_note
from locaudit.io.records import InputRecord, record_from_obj

SUFFIXES = (".txt", ".txt.gz")


def note_files(root: Path) -> Iterator[Path]:
    """Note files below ``root`` in a stable order (symbolic links to folders not followed,
    so a link loop cannot make the walk endless)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if name.lower().endswith(SUFFIXES):
                yield Path(dirpath) / name


def count_files(root: Path) -> int:
    """How many notes the folder holds (for the progress bar's ETA)."""
    return sum(1 for _ in note_files(root))


def read_text_dir(root: Path) -> Iterator[InputRecord]:
    for n, path in enumerate(note_files(root), 1):
        record_id = path.relative_to(root).as_posix()
        try:
            if path.name.lower().endswith(".gz"):
                with gzip.open(path, "rb") as handle:
                    raw = handle.read()
            else:
                raw = path.read_bytes()
        except (OSError, EOFError, zlib.error) as exc:
            kind = "unreadable_file"
            what = type(exc).__name__ if not isinstance(exc, OSError) else exc.strerror
            yield InputRecord(
                record_id,
                None,
                error_kind=kind,
                error_message=f"file {record_id}: cannot be read ({what or 'I/O error'})",
            )
            continue
        try:
            text = decode_note(raw)
        except UnicodeDecodeError as exc:
            yield InputRecord(
                record_id,
                None,
                error_kind="invalid_utf8",
                error_message=f"file {record_id}: not valid UTF-8 (byte {exc.start})",
            )
            continue
        record = record_from_obj({"id": record_id, "text": text}, n, where="file")
        if record.error_message:  # 'file 3: the note text is empty' -> name the file
            record.error_message = record.error_message.replace(
                f"file {n}:", f"file {record_id}:", 1
            )
        yield record
