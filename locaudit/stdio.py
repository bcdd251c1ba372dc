"""``locaudit serve --stdio``: JSONL requests on stdin, one JSONL response each, at once.

A transcription system keeps one locaudit process open and writes a request per note as the
radiologist signs; it must get the answer to that note before it sends the next, so each
response is written and flushed as soon as its request line is read (no batching here, unlike
``locaudit batch``). A request line is a JSONL input record as in ``locaudit batch``
(``{"id": ..., "text": ..., "billed": ...}``; other fields are ignored); the response is the
contract record. A bad line (invalid JSON or UTF-8, no text) gets an ``error`` record with
``line:N`` as its id and the stream goes on; blank lines are skipped without a response.

Needs no server extra: only the standard library and the checker.
"""

from __future__ import annotations

from typing import IO

from locaudit.api import Checker
from locaudit.assessment import error_assessment
from locaudit.io.records import read_jsonl


def serve_stdio(checker: Checker, source: IO[bytes], sink: IO[bytes]) -> int:
    """Answer every request line of ``source`` on ``sink`` until end of input.

    Returns the number of responses written."""
    count = 0
    for record in read_jsonl(source):
        try:
            result = checker.check_record(record)
        except Exception as exc:  # the stream outlives any one note; the type only, no text
            result = error_assessment(
                record.id, "internal", type(exc).__name__, checker.version.rules
            )
        sink.write(result.model_dump_json().encode("utf-8") + b"\n")
        sink.flush()
        count += 1
    return count
