"""Batch assessment: records in, one contract record out per record, in order.

Valid notes stream through ``nlp.pipe``; records that could not be read (malformed line,
missing or empty text) become ``error`` records in place, so records in = records out.

:func:`run_batch` is the engine of ``locaudit batch``. Records are read lazily and grouped
into *segments*: a segment closes when it holds ``batch_size`` notes that need the full
pipeline (or ``SEGMENT_LIMIT`` records in all). Within a segment, read errors and notes the
keyword gate (:mod:`locaudit.gate`) rules out get their record at once, in the parent; the
rest go through ``nlp.pipe``, in this process or, with ``workers > 1``, in a pool of spawned
processes that each load the pipeline once. Segments come back in the order they went out,
and at most ``INFLIGHT_PER_WORKER * workers`` are in flight, so memory stays flat however
long the input is (stream in, stream out).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from locaudit import load
from locaudit.assessment import build_assessment, error_assessment
from locaudit.gate import Gate, load_gate_for
from locaudit.io.records import InputRecord, record_from_obj
from locaudit.models import Assessment
from locaudit.rules import rules_hash
from locaudit.workers import Job, WorkerPool

# spaCy's default ``nlp.max_length``: a longer note would fail inside the pipeline, so it is
# reported as what it is (``too_large``) before it gets there.
MAX_CHARS = 1_000_000
SEGMENT_LIMIT = 4096
INFLIGHT_PER_WORKER = 3


def assess_records(
    records: Iterable[InputRecord],
    *,
    patterns_dir: str | Path | None = None,
    redact: bool = False,
    batch_size: int = 64,
) -> Iterator[Assessment]:
    nlp = load(patterns_dir)
    version = rules_hash(str(patterns_dir) if patterns_dir else None)
    for chunk in _chunks((_size_checked(r) for r in records), batch_size):
        for record, doc in zip(chunk, _docs(nlp, chunk)):
            yield _assessment(record, doc, version, redact)


def assess_one(
    nlp: Language, record_id: str, text: str, version: str, redact: bool = False
) -> Assessment:
    """One note through the pipeline (what a supervised worker does per note, so the parent
    knows which note is running; the rules hash is computed once by the caller)."""
    record = _size_checked(record_from_obj({"id": record_id, "text": text}, 1))
    return _assessment(record, _docs(nlp, [record])[0], version, redact)


def _size_checked(record: InputRecord) -> InputRecord:
    """A note over ``MAX_CHARS`` becomes a ``too_large`` error record before the pipeline (which
    would refuse it anyway), whichever way it came in: batch, check, API or serve."""
    if record.error_kind is None and record.text is not None and len(record.text) > MAX_CHARS:
        record.error_kind = "too_large"
        record.error_message = too_large_message(len(record.text))
        record.text = None
    return record


def too_large_message(n_chars: int) -> str:
    return f"the note has {n_chars:,} characters; the limit is {MAX_CHARS:,}"


def _assessment(
    record: InputRecord, doc: Doc | Exception | None, version: str, redact: bool
) -> Assessment:
    if record.error_kind is not None:
        return error_assessment(record.id, record.error_kind, record.error_message or "", version)
    if isinstance(doc, Exception) or doc is None:  # a failure inside the pipeline, this note only
        return error_assessment(record.id, "internal", type(doc).__name__, version)
    try:
        return build_assessment(record.id, doc.text, doc._.locaudit_facts, version, redact)
    except Exception as exc:  # one bad record never stops the batch
        return error_assessment(record.id, "internal", type(exc).__name__, version)


def _docs(nlp: Language, chunk: list[InputRecord]) -> list[Doc | Exception | None]:
    """The chunk through ``nlp.pipe``; if a component fails, each note again on its own, so
    only the note that fails becomes an error (its exception, never its text, is kept).
    Records that are already errors are not run (None in their place)."""
    if all(record.error_kind is not None for record in chunk):
        return [None] * len(chunk)
    texts = [record.text or "" for record in chunk]
    try:
        return list(nlp.pipe(texts))
    except Exception:
        out: list[Doc | Exception | None] = []
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


@dataclass(frozen=True)
class BatchOptions:
    patterns_dir: str | None = None
    redact: bool = False
    batch_size: int = 64
    workers: int = 1
    gate: bool = True
    #: Seconds one note may take in the pipeline; past it the note is an ``error`` record of
    #: kind ``timeout``. Set, the pipeline runs in supervised worker processes
    #: (:mod:`locaudit.workers`), also with one worker; None runs it as before (in this
    #: process, or a plain process pool for ``workers > 1``) with no limit.
    timeout: float | None = None


@dataclass
class BatchStats:
    """What happened to the records of a run (for the summary line and the benchmark)."""

    gated: int = 0  # not_applicable by the keyword gate, no pipeline
    assessed: int = 0  # through the full pipeline
    unreadable: int = 0  # error records from the reader or the size limit
    timeouts: int = 0  # notes stopped by the per-note time limit
    verdicts: Counter = field(default_factory=Counter)


@dataclass
class _Segment:
    records: list[InputRecord]
    results: list[Assessment | None]
    pending: list[int]  # indexes into records/results that need the pipeline
    future: Future | None = None
    job: Job | None = None


def run_batch(
    records: Iterable[InputRecord],
    options: BatchOptions | None = None,
    stats: BatchStats | None = None,
) -> Iterator[tuple[InputRecord, Assessment]]:
    """Every record with its assessment, in input order (see the module docstring)."""
    options = options or BatchOptions()
    stats = stats if stats is not None else BatchStats()
    version = rules_hash(options.patterns_dir)
    gate = load_gate_for(options.patterns_dir) if options.gate else None
    timed = bool(options.timeout and options.timeout > 0)
    executor = _executor(options) if options.workers > 1 and not timed else None
    pool: WorkerPool | None = None  # started with the first note that needs the pipeline
    inflight: deque[_Segment] = deque()
    limit = INFLIGHT_PER_WORKER * max(1, options.workers)
    try:
        for segment in _segments(records, options, gate, version, stats):
            if executor is None and not timed:
                _fill(segment, _assess_pending(segment, options))
                yield from _emit(segment, stats)
                continue
            if segment.pending:
                jobs = [(segment.records[i].id, segment.records[i].text) for i in segment.pending]
                if timed:
                    if pool is None:
                        pool = WorkerPool(options, options.workers, options.timeout, version)
                    segment.job = pool.submit(jobs)  # type: ignore[arg-type]
                else:
                    assert executor is not None
                    segment.future = executor.submit(_worker_assess, jobs)
            inflight.append(segment)
            while len(inflight) >= limit:
                yield from _finish(inflight.popleft(), stats, pool)
        while inflight:
            yield from _finish(inflight.popleft(), stats, pool)
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if pool is not None:
            stats.timeouts = pool.timeouts
            pool.close()


def _segments(
    records: Iterable[InputRecord],
    options: BatchOptions,
    gate: Gate | None,
    version: str,
    stats: BatchStats,
) -> Iterator[_Segment]:
    segment = _Segment([], [], [])
    for record in records:
        result: Assessment | None = None
        if record.error_kind is not None:
            result = error_assessment(
                record.id, record.error_kind, record.error_message or "", version
            )
        elif record.text is not None and len(record.text) > MAX_CHARS:
            result = error_assessment(
                record.id, "too_large", too_large_message(len(record.text)), version
            )
        elif gate is not None and not gate.needs_pipeline(record.text or ""):
            result = gate.record(record.id, record.text or "", options.redact)
            stats.gated += 1
        if result is None:
            segment.pending.append(len(segment.records))
        elif result.verdict == "error":
            stats.unreadable += 1
        segment.records.append(record)
        segment.results.append(result)
        if len(segment.pending) >= options.batch_size or len(segment.records) >= SEGMENT_LIMIT:
            yield segment
            segment = _Segment([], [], [])
    if segment.records:
        yield segment


def _assess_pending(segment: _Segment, options: BatchOptions) -> list[Assessment]:
    if not segment.pending:
        return []
    return list(
        assess_records(
            (segment.records[i] for i in segment.pending),
            patterns_dir=options.patterns_dir,
            redact=options.redact,
            batch_size=options.batch_size,
        )
    )


def _fill(segment: _Segment, assessed: list[Assessment]) -> None:
    for index, result in zip(segment.pending, assessed, strict=True):
        segment.results[index] = result


def _finish(
    segment: _Segment, stats: BatchStats, pool: WorkerPool | None = None
) -> Iterator[tuple[InputRecord, Assessment]]:
    if segment.future is not None:
        _fill(segment, segment.future.result())
    if segment.job is not None:
        assert pool is not None
        _fill(segment, pool.result(segment.job))
        stats.timeouts = pool.timeouts
    yield from _emit(segment, stats)


def _emit(segment: _Segment, stats: BatchStats) -> Iterator[tuple[InputRecord, Assessment]]:
    stats.assessed += len(segment.pending)
    for record, result in zip(segment.records, segment.results, strict=True):
        assert result is not None
        stats.verdicts[result.verdict] += 1
        yield record, result


# Worker processes (spawned: a fresh interpreter that imports this module, so nothing here may
# depend on the parent's state; the options come in through the initializer).
_WORKER_OPTIONS: BatchOptions | None = None


def _executor(options: BatchOptions) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=options.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(options,),
    )


def _worker_init(options: BatchOptions) -> None:
    """Load the pipeline once per worker. Ctrl-C is the parent's to handle: it stops sending
    work, keeps the partial output, and shuts the pool down."""
    global _WORKER_OPTIONS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_OPTIONS = options
    load(options.patterns_dir)


def _worker_assess(jobs: list[tuple[str, str]]) -> list[Assessment]:
    options = _WORKER_OPTIONS or BatchOptions()
    records = [InputRecord(record_id, text) for record_id, text in jobs]
    return list(
        assess_records(
            records,
            patterns_dir=options.patterns_dir,
            redact=options.redact,
            batch_size=options.batch_size,
        )
    )


def summarize(counts: Counter) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
    return f"{total} records: {parts}" if total else "0 records"
