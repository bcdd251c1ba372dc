"""Batch assessment: records in, one contract record out per record, in order.

Valid notes stream through ``nlp.pipe``; records that could not be read (malformed line,
missing or empty text) become ``error`` records in place, so records in = records out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

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
    for chunk in _chunks(records, batch_size):
        for record, doc in zip(chunk, _docs(nlp, chunk)):
            if record.error_kind is not None:
                yield error_assessment(
                    record.id, record.error_kind, record.error_message or "", version
                )
            elif isinstance(doc, Exception):  # a failure inside the pipeline, for this note only
                yield error_assessment(record.id, "internal", type(doc).__name__, version)
            else:
                try:
                    yield build_assessment(
                        record.id, doc.text, doc._.locaudit_facts, version, redact
                    )
                except Exception as exc:  # one bad record never stops the batch
                    yield error_assessment(record.id, "internal", type(exc).__name__, version)


def _docs(nlp: Language, chunk: list[InputRecord]) -> list[Doc | Exception]:
    """The chunk through ``nlp.pipe``; if a component fails, each note again on its own, so
    only the note that fails becomes an error (its exception, never its text, is kept)."""
    texts = [record.text or "" for record in chunk]
    try:
        return list(nlp.pipe(texts))
    except Exception:
        out: list[Doc | Exception] = []
        for text in texts:
            try:
                out.append(nlp(text))
            except Exception as exc:
                out.append(exc)
        return out


def _chunks(records: Iterable[InputRecord], size: int) -> Iterator[list[InputRecord]]:
    chunk: list[InputRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def summarize(counts: Counter) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
    return f"{total} records: {parts}" if total else "0 records"
