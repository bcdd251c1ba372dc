"""Issue 7 at run time: a note that stalls cannot stall a batch (per-note time limit), and
nothing opens a network connection.

These run ``locaudit`` in subprocesses with ``tests/hooks`` on ``PYTHONPATH``: its
``sitecustomize`` (test-only, chosen by environment variables) makes one marked note sleep
for ten minutes, or blocks every network socket, in the run and in its spawned workers alike.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from locaudit.batch import BatchOptions, BatchStats, run_batch
from locaudit.io.records import InputRecord
from tests.conftest import ROOT

HOOKS = ROOT / "tests" / "hooks"
GOOD = (
    "Stereotactic wire localization, left breast. Lesion 1: left 2:00, a wire was placed "
    "under stereotactic guidance. Lesion 2: left 10:00, in the same session a second wire "
    "was placed under stereotactic guidance."
)
SLOW = "SLOW-NOTE-MARKER"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(HOOKS), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    env.update(extra)
    return env


def _locaudit(args: list[str], env: dict[str, str], timeout: float = 240, stdin: bytes = b""):
    return subprocess.run(
        [sys.executable, "-m", "locaudit.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=timeout,
        cwd=ROOT,
    )


def _notes(path: Path, texts: list[str]) -> None:
    path.write_text(
        "".join(json.dumps({"id": f"n{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stalled_note_becomes_a_timeout_record_and_the_batch_goes_on(tmp_path, workers):
    """The marked note sleeps ten minutes in the pipeline; with a 2 s limit its worker is
    killed and restarted, the note is an ``error`` record of kind ``timeout``, every other note
    is assessed, in order, and the run takes seconds, not minutes."""
    src = tmp_path / "in.jsonl"
    texts = [GOOD, f"{GOOD} {SLOW}", GOOD, "Chest CT.", f"{SLOW} {GOOD}", GOOD]
    _notes(src, texts)
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    done = _locaudit(
        [
            "batch",
            str(src),
            "-o",
            str(out),
            "--timeout-per-note",
            "2",
            "--workers",
            workers,
            "--batch-size",
            "2",
        ],
        _env(LOCAUDIT_TEST_SLOW_MARKER=SLOW),
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [f"n{i}" for i in range(len(texts))]
    kinds = [r["error"]["kind"] if r["error"] else r["verdict"] for r in records]
    assert kinds == ["supported", "timeout", "supported", "not_applicable", "timeout", "supported"]
    assert "--timeout-per-note" in records[1]["error"]["message"]
    assert SLOW not in json.dumps(records[1]) and "2 over the time limit" in done.stderr.decode()
    assert elapsed < 120


def test_a_quadratic_note_is_stopped_by_the_default_mechanism(tmp_path):
    """A real pathological note, no hook: one dictated sentence pasted 6,000 times (318,000
    characters) takes the rules about 13 s on 2 shared cores (quadratic in the lesion builder,
    reported in the README). With a 1 s limit it becomes a timeout record and the notes after
    it are assessed."""
    src = tmp_path / "in.jsonl"
    _notes(src, [GOOD, "Stereotactic wire localization, left breast at 2:00. " * 6000, GOOD])
    started = time.monotonic()
    done = _locaudit(["batch", str(src), "--timeout-per-note", "1", "-q"], _env())
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in done.stdout.splitlines()]
    kinds = [r["error"]["kind"] if r["error"] else r["verdict"] for r in records]
    assert kinds == ["supported", "timeout", "supported"]
    assert time.monotonic() - started < 60


def test_a_worker_killed_from_outside_costs_one_note(monkeypatch):
    """A worker that dies (out-of-memory killer, a crash) is replaced: the note it was on is an
    ``internal`` error record, the others are assessed; nothing is lost."""
    from locaudit import workers

    killed = {"done": False}
    original = workers._Worker._send

    def send_then_kill(self):
        original(self)
        if not killed["done"] and any("KILL-ME" in t for _, t in self.job.notes):
            killed["done"] = True
            self.process.kill()

    monkeypatch.setattr(workers._Worker, "_send", send_then_kill)
    records = [InputRecord("a", GOOD), InputRecord("b", f"{GOOD} KILL-ME"), InputRecord("c", GOOD)]
    stats = BatchStats()
    options = BatchOptions(batch_size=1, timeout=30)  # one note per job: b's job kills
    results = [result for _, result in run_batch(records, options, stats)]
    assert [r.id for r in results] == ["a", "b", "c"]
    assert results[1].error is not None and results[1].error.kind == "internal"
    assert "KILL-ME" not in results[1].error.message
    assert [results[0].verdict, results[2].verdict] == ["supported", "supported"]


def test_no_network_at_run_time(tmp_path):
    """Sockets blocked (IPv4/IPv6, connections, name lookups) in every process: the Python API,
    ``check``, ``batch`` with two workers and ``serve --stdio`` all run end to end, and no
    process opened a connection or looked up a name."""
    log = tmp_path / "network.log"
    env = _env(LOCAUDIT_TEST_NO_NETWORK="1", LOCAUDIT_TEST_NETWORK_LOG=str(log))
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert probe.returncode != 0 and b"network blocked by the test" in probe.stderr
    log.unlink()  # the probe's own attempt; from here on the log must stay empty

    api = subprocess.run(
        [
            sys.executable,
            "-c",
            "import locaudit, sys; r = locaudit.assess(sys.stdin.read()); print(r.verdict)",
        ],
        input=GOOD.encode(),
        env=env,
        capture_output=True,
        timeout=240,
    )
    assert api.stdout.decode().strip() == "supported", api.stderr.decode()
    note = tmp_path / "note.txt"
    note.write_text(GOOD)
    check = _locaudit(["check", "--json", str(note)], env)
    assert json.loads(check.stdout)["verdict"] == "supported", check.stderr.decode()
    src = tmp_path / "in.jsonl"
    _notes(src, [GOOD, "Chest CT.", GOOD])
    batch = _locaudit(["batch", str(src), "--workers", "2", "--batch-size", "1", "-q"], env)
    assert batch.returncode == 0, batch.stderr.decode()
    assert [json.loads(x)["verdict"] for x in batch.stdout.splitlines()] == [
        "supported",
        "not_applicable",
        "supported",
    ]
    stdio = _locaudit(["serve", "--stdio"], env, stdin=(json.dumps({"text": GOOD}) + "\n").encode())
    assert json.loads(stdio.stdout)["verdict"] == "supported", stdio.stderr.decode()
    # The one socket any process made: urllib3 (imported by spaCy's dependencies) probes at
    # import whether IPv6 exists by binding a socket to ::1; it opens no connection and
    # carries on when refused. Nothing else asked for a socket, a connection or a lookup.
    attempts = log.read_text().splitlines() if log.exists() else []
    assert all(a.endswith("from urllib3.util.connection._has_ipv6") for a in attempts), attempts
