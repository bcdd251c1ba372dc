"""The embedding API: :class:`Checker`, loaded once and shared by every way in.

The Python API, ``locaudit serve --stdio`` and the HTTP service all call a :class:`Checker`,
and a Checker only turns its inputs into :class:`~locaudit.io.records.InputRecord` s and hands
them to :func:`locaudit.batch.assess_records`, the function ``locaudit check`` and ``locaudit
batch`` use. So one note gives the same contract record whichever way it came in, error
records included.

    >>> from locaudit import Checker
    >>> checker = Checker()                      # builds the pipeline once (about a second)
    >>> result = checker.check("Stereotactic wire localization, left breast, 2:00 ...")
    >>> result.verdict, result.units_19284
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from threading import Lock
from typing import Any

from locaudit import load
from locaudit.__about__ import __version__
from locaudit.io.records import InputRecord, record_from_obj
from locaudit.models import Assessment, VersionInfo
from locaudit.rules import rules_hash

#: A billed code set as the contract's input records carry it: ``"19283-LT, 19284-LT x2"`` or
#: a list of codes. Reserved for the billed-versus-documented check (issue 4).
Billed = str | list[str] | None

#: What :meth:`Checker.check_many` takes per note: the text alone, or a mapping shaped like a
#: JSONL input record (``text``, optional ``id`` and ``billed``; other keys are ignored).
NoteInput = str | Mapping[str, Any]

# One lock per pipeline, not per Checker: two Checkers over the same patterns share the
# pipeline that ``locaudit.load`` caches, so they must share its lock too.
_PIPELINE_LOCKS: dict[str | None, Lock] = {}
_LOCKS_LOCK = Lock()


def _pipeline_lock(key: str | None) -> Lock:
    with _LOCKS_LOCK:
        return _PIPELINE_LOCKS.setdefault(key, Lock())


class Checker:
    """Checks notes against the output contract; build one per process and share it.

    Construction builds (or reuses) the spaCy pipeline for ``patterns_dir``, so the first note
    does not pay for it. **Thread safety:** spaCy does not promise that a pipeline may run in
    several threads at once, and the rule components keep per-call state, so a Checker holds a
    lock around each pipeline call: calls from many threads are safe and give the same records
    as sequential calls, but they run one at a time. For parallel throughput use processes
    (one Checker each), not threads. The lock is shared with every Checker over the same
    patterns; the module-level :func:`locaudit.assess` does not take it.

    ``redact`` replaces evidence text and locations with ``[REDACTED]`` in every record, as
    ``--redact`` does on the command line.
    """

    def __init__(
        self,
        patterns_dir: str | Path | None = None,
        *,
        redact: bool = False,
        batch_size: int = 64,
    ) -> None:
        self._patterns = str(patterns_dir) if patterns_dir else None
        self._redact = redact
        self._batch_size = batch_size
        self._lock = _pipeline_lock(self._patterns)
        with self._lock:
            load(self._patterns)
        self.version = VersionInfo(locaudit=__version__, rules=rules_hash(self._patterns))

    def check(self, text: str, billed: Billed = None, *, record_id: str = "note") -> Assessment:
        """Assess one note; always returns a record (an ``error`` record for an empty note).

        ``billed`` is reserved for the billed check (issue 4): it is accepted and carried to
        the record builder, and ``billed_check`` stays null until that check exists."""
        return self.check_record(record_from_obj(_obj(record_id, text, billed), 1))

    def check_many(self, notes: Iterable[NoteInput]) -> list[Assessment]:
        """Assess several notes through ``nlp.pipe``: one record per note, in order.

        Notes without an id get ``note:N`` (1-based). Returns a list rather than an iterator
        so the pipeline lock is never held while the caller's loop runs."""
        records = []
        for n, note in enumerate(notes, 1):
            if isinstance(note, str):
                records.append(record_from_obj(_obj(f"note:{n}", note, None), n))
            elif isinstance(note, Mapping):
                obj = dict(note)
                if obj.get("id") in (None, ""):
                    obj["id"] = f"note:{n}"
                records.append(record_from_obj(obj, n))
            else:
                records.append(
                    InputRecord(
                        f"note:{n}",
                        None,
                        error_kind="malformed_record",
                        error_message=f"note {n}: expected text or a mapping",
                    )
                )
        return self.check_records(records)

    def check_record(self, record: InputRecord) -> Assessment:
        """Assess one already-read input record (what ``serve --stdio`` reads per line)."""
        return self.check_records([record])[0]

    def check_records(self, records: list[InputRecord]) -> list[Assessment]:
        """Assess read input records under the pipeline lock; one record out per record in."""
        from locaudit.batch import assess_records

        checked = [_encodable(record) for record in records]
        with self._lock:
            return list(
                assess_records(
                    checked,
                    patterns_dir=self._patterns,
                    redact=self._redact,
                    batch_size=self._batch_size,
                )
            )


def _obj(record_id: str, text: Any, billed: Billed) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": record_id, "text": text}
    if billed is not None:
        obj["billed"] = billed
    return obj


def _encodable(record: InputRecord) -> InputRecord:
    """Text and id that can be written as UTF-8, or an ``invalid_text`` error record.

    JSON lets a client send a lone surrogate (``"\\ud800"``); Python keeps it in a ``str`` but
    no UTF-8 writer can output it, so the record (which echoes the id and quotes evidence)
    could not be sent back. The note is refused by position only, never quoted."""
    if not _is_utf8(record.id):
        record.id = record.id.encode("utf-8", "replace").decode("utf-8")
    if record.text is not None and not _is_utf8(record.text):
        position = next(i for i, ch in enumerate(record.text) if "\ud800" <= ch <= "\udfff")
        record.text = None
        record.error_kind = "invalid_text"
        record.error_message = f"the note text has a lone surrogate at character {position}"
    return record


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
