"""Supervised pipeline workers: the per-note time limit (``--timeout-per-note``).

A Python thread cannot be stopped in the middle of a spaCy call, and a rule pipeline can meet
a note it handles in quadratic time (a dictated sentence pasted ten thousand times), so the
only safe way to bound the time one note takes is to run the pipeline in another process and
kill that process when a note overstays. This module does that:

- :class:`WorkerPool` holds ``size`` spawned processes, each loading the pipeline once and
  then assessing the notes it is sent one at a time, sending back each record as soon as it
  is done (so the parent always knows which note a worker is on).
- Each worker has one *job* (a list of notes) at a time. The clock for a note starts when the
  previous record of its job came back (or the job was sent); a worker that has not answered
  within ``timeout`` seconds is killed, the note it was on becomes an ``error`` record of kind
  ``timeout``, a fresh worker is started and the rest of the job goes to it. A worker that dies
  (killed from outside, out of memory) costs its current note an ``internal`` error record the
  same way. Nothing is lost and the order is kept: records in = records out.
- The clock does not run while a worker is loading the pipeline; a worker that cannot even
  start (say, a broken ``--patterns`` folder) is an internal failure of the run, not of a note.

Workers ignore SIGINT: Ctrl-C is the parent's, which stops sending work and kills the pool.
Workers talk to the parent over local pipes only (no network sockets).
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from locaudit.assessment import error_assessment
from locaudit.models import Assessment

#: How long a fresh worker may take to load the pipeline before the run gives up.
START_TIMEOUT = 300.0


@dataclass
class Job:
    """Notes for one worker, and their records as they come back (in the same order)."""

    notes: list[tuple[str, str]]
    results: list[Assessment] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return len(self.results) == len(self.notes)


class _Worker:
    """One spawned process and the parent's end of its pipe."""

    def __init__(self, context: Any, options: Any) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_worker_main, args=(child, options), daemon=True, name="locaudit-worker"
        )
        self.process.start()
        child.close()
        self.started = time.monotonic()
        self.ready = False
        self.job: Job | None = None
        self.sent = 0  # notes of ``job`` sent to this process (it may be a replacement)
        self.clock = 0.0  # when the note now in progress started

    def give(self, job: Job) -> None:
        self.job = job
        if self.ready:
            self._send()

    def _send(self) -> None:
        assert self.job is not None
        rest = self.job.notes[len(self.job.results) :]
        self.sent = len(rest)
        self.clock = time.monotonic()
        self.conn.send(rest)

    def on_ready(self) -> None:
        self.ready = True
        if self.job is not None:
            self._send()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """``size`` supervised workers; jobs are queued and handed out as workers free up."""

    def __init__(self, options: Any, size: int, timeout: float, rules_version: str) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._options = options
        self._timeout = timeout
        self._version = rules_version
        self._workers = [_Worker(self._context, options) for _ in range(max(1, size))]
        self._queue: deque[Job] = deque()
        self.timeouts = 0
        self.restarts = 0

    def submit(self, notes: list[tuple[str, str]]) -> Job:
        job = Job(list(notes))
        if not job.notes:
            return job
        idle = next((w for w in self._workers if w.job is None), None)
        if idle is not None:
            idle.give(job)
        else:
            self._queue.append(job)
        return job

    def result(self, job: Job) -> list[Assessment]:
        """Block until ``job`` is done (driving every worker meanwhile); its records."""
        while not job.done:
            self._step()
        return job.results

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()

    def _step(self) -> None:
        now = time.monotonic()
        deadlines = []
        for worker in self._workers:
            if not worker.ready:
                deadlines.append(worker.started + START_TIMEOUT)
            elif worker.job is not None:
                deadlines.append(worker.clock + self._timeout)
        wait_for = max(0.0, min(deadlines) - now) if deadlines else None
        conns = [w.conn for w in self._workers]
        sentinels = {w.process.sentinel: w for w in self._workers}
        ready = wait(conns + list(sentinels), timeout=wait_for)
        by_conn = {w.conn: w for w in self._workers}
        for handle in ready:
            worker = by_conn.get(handle)  # type: ignore[call-overload]
            if worker is not None:
                self._receive(worker)
        now = time.monotonic()
        for index, worker in enumerate(self._workers):
            if not worker.process.is_alive():
                self._receive(worker)  # what it sent before it ended still counts
                self._replace(index, "internal", _died(worker))
            elif not worker.ready and now - worker.started > START_TIMEOUT:
                raise RuntimeError("a pipeline worker did not start in time")
            elif worker.ready and worker.job is not None and now - worker.clock > self._timeout:
                self.timeouts += 1
                self._replace(
                    index,
                    "timeout",
                    f"assessing the note took longer than the limit of {self._timeout:g} s "
                    "(--timeout-per-note); it was stopped",
                )

    def _receive(self, worker: _Worker) -> None:
        while worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                return  # the process ended; the liveness check handles it
            if message == "ready":
                worker.on_ready()
                continue
            job = worker.job
            assert job is not None
            job.results.append(message)
            worker.clock = time.monotonic()
            if job.done:
                worker.job = self._queue.popleft() if self._queue else None
                if worker.job is not None:
                    worker.give(worker.job)

    def _replace(self, index: int, kind: str, message: str) -> None:
        """Stop worker ``index``; the note it was on gets an error record, the rest of its job
        goes to a fresh worker."""
        old = self._workers[index]
        if not old.ready:
            old.stop()
            raise RuntimeError(f"a pipeline worker stopped while starting ({_died(old)})")
        old.stop()
        self.restarts += 1
        job = old.job
        fresh = _Worker(self._context, self._options)
        self._workers[index] = fresh
        if job is None:
            return
        record_id = job.notes[len(job.results)][0]
        job.results.append(error_assessment(record_id, kind, message, self._version))
        if job.done:
            job = self._queue.popleft() if self._queue else None
        if job is not None:
            fresh.give(job)


def _died(worker: _Worker) -> str:
    code = worker.process.exitcode
    return f"the pipeline worker stopped unexpectedly (exit code {code})"


def _worker_main(conn: Connection, options: Any) -> None:
    """A worker: load the pipeline, say so, then assess the notes of each job one by one and
    send back each record as soon as it is done."""
    from locaudit import load
    from locaudit.batch import assess_one
    from locaudit.rules import rules_hash

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    nlp = load(options.patterns_dir)
    version = rules_hash(options.patterns_dir)
    conn.send("ready")
    while True:
        try:
            notes = conn.recv()
        except (EOFError, OSError):
            return
        for record_id, text in notes:
            conn.send(assess_one(nlp, record_id, text, version, options.redact))
