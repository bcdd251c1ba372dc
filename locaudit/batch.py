"""Batch assessment: records in, one contract record out per record, in order.

Valid notes stream through ``nlp.pipe``; records that could not be read (malformed line,
missing or empty text) become ``error`` records in place, so records in = records out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from locaudit import load
from locaudit.assessment import build_assessment, error_assessment
from locaudit.io.records import InputRecord
from locaudit.models import Assessment
from locaudit.rules import rules_hash


def assess_records(
    records: Iterable[InputRecord],
    *,
    patterns_dir: str | Path | None = None,
    redact: bool = False,
    batch_size: int = 64,
) -> Iterator[Assessment]:
    nlp = load(patterns_dir)
    version = rules_hash(str(patterns_dir) if patterns_dir else None)
    stream = ((record.text or "", record) for record in records)
    for doc, record in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        record_id = record.id
        if record.error_kind is not None:
            yield error_assessment(
                record_id, record.error_kind, record.error_message or "", version
            )
            continue
        try:
            yield build_assessment(record_id, doc.text, doc._.locaudit_facts, version, redact)
        except Exception as exc:  # one bad record never stops the batch
            yield error_assessment(record_id, "internal", type(exc).__name__, version)


def summarize(counts: Counter) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
    return f"{total} records: {parts}" if total else "0 records"
