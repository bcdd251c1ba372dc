"""Issue 7, no leaks: note text never reaches logs, exception messages or error records, and
``--redact`` leaves neither note text nor ids in any output format.

A canary string sits inside every note (valid, empty-but-for-it, invalid UTF-8, oversize,
malformed rows) and inside ids; runs at DEBUG logging capture stdout, stderr, log records and
every file written, and the canary may appear only where the contract puts it: in evidence of
a normal, unredacted output.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from locaudit.api import Checker
from locaudit.cli import main
from locaudit.stdio import serve_stdio
from tests.conftest import ROOT

CANARY = "CANARY-7f3a"
ID_CANARY = "MRN-CANARY-5521"
GOOD = (
    "Stereotactic wire localization, left breast. Lesion 1: left 2:00, a wire was placed "
    "under stereotactic guidance. Lesion 2: left 10:00, in the same session a second wire "
    f"was placed under stereotactic guidance {CANARY}."
)


def _hostile_jsonl(path: Path) -> int:
    """Every kind of record, each carrying the canary; returns the number of records."""
    lines = [
        json.dumps({"id": f"{ID_CANARY}-1", "text": GOOD}).encode(),
        json.dumps({"id": f"{ID_CANARY}-2", "text": f"Chest CT. {CANARY}"}).encode(),
        f'{{"id": "{ID_CANARY}-3", "text": "wire {CANARY} \xff\xfe"}}'.encode("latin-1"),
        json.dumps({"id": f"{ID_CANARY}-4", "text": f"{CANARY} " * 100_001}).encode(),
        f'{{"id": "{ID_CANARY}-5", "text": "{CANARY} wire'.encode(),  # malformed JSON
        json.dumps({"id": f"{ID_CANARY}-6", "text": 7, "note": CANARY}).encode(),
        json.dumps({"id": f"{ID_CANARY}-7", "body": CANARY}).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return len(lines)


def _hostile_csv(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([["id", "text"], [f"{ID_CANARY}-1", GOOD], [f"{ID_CANARY}-2", f"x {CANARY}"]])
    buffer.write(f"{ID_CANARY}-3,{CANARY},extra cell\n")
    path.write_text(buffer.getvalue())


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def _everything(tmp_path: Path, *texts: str) -> str:
    """All captured text plus every file the run left in ``tmp_path`` (inputs excluded)."""
    files = [
        p.read_bytes().decode("utf-8", "replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.name.startswith("in.")
    ]
    return "\n".join([*texts, *files])


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".html"])
def test_batch_unredacted_quotes_the_canary_only_as_evidence(tmp_path, debug_logs, suffix):
    src = tmp_path / "in.jsonl"
    n = _hostile_jsonl(src)
    out = tmp_path / f"out{suffix}"
    result = CliRunner().invoke(main, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    logs = "\n".join(r.getMessage() for r in debug_logs.records)
    assert CANARY not in result.output + result.stderr + logs
    if suffix == ".jsonl":
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(records) == n
        for record in records:
            if record["error"]:
                assert CANARY not in json.dumps(record["error"])
            quoted = [ev["text"] for les in record["lesions"] for ev in les["evidence"]]
            quoted += [ev["text"] for f in record["findings"] for ev in f["evidence"]]
            without_evidence = json.dumps({**record, "lesions": [], "findings": []})
            assert CANARY not in without_evidence.replace(ID_CANARY, "")
        assert any(
            CANARY in q
            for r in records[:1]
            for les in r["lesions"]
            for q in (ev["text"] for ev in les["evidence"])
        )
    if suffix == ".csv":
        assert CANARY not in out.read_text().replace(ID_CANARY, "")  # the CSV quotes no text


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".html"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_redacted_holds_no_canary_and_no_id_anywhere(tmp_path, debug_logs, suffix, workers):
    """With --redact no output format holds note text or an input id (ids are record-N, their
    place in the input), nor does anything else the run writes or logs."""
    src = tmp_path / "in.jsonl"
    n = _hostile_jsonl(src)
    out = tmp_path / f"out{suffix}"
    result = CliRunner().invoke(
        main, ["batch", str(src), "-o", str(out), "--redact", "--workers", workers]
    )
    assert result.exit_code == 0, result.output
    logs = "\n".join(r.getMessage() for r in debug_logs.records)
    everything = _everything(tmp_path, result.output, result.stderr, logs)
    assert CANARY not in everything and ID_CANARY not in everything
    text = out.read_text()
    for position in range(1, n + 1):
        assert f"record-{position}" in text
    if suffix == ".jsonl":
        records = [json.loads(line) for line in text.splitlines()]
        assert [r["id"] for r in records] == [f"record-{i}" for i in range(1, n + 1)]
        assert records[0]["verdict"] == "supported"
        assert {ev["text"] for les in records[0]["lesions"] for ev in les["evidence"]} == {
            "[REDACTED]"
        }


def test_redacted_resume_continues_the_numbering(tmp_path):
    """record-N is the place in the whole input, so a resumed run goes on from K+1."""
    from locaudit.io import writers

    src = tmp_path / "in.jsonl"
    n = _hostile_jsonl(src)
    out = tmp_path / "out.jsonl"
    clean = tmp_path / "clean.jsonl"
    args = ["batch", str(src), "--redact", "-q", "--timeout-per-note", "0"]
    assert CliRunner().invoke(main, [*args, "-o", str(clean)]).exit_code == 0
    original = writers.JsonlWriter.write
    calls = {"n": 0}

    def failing(self, record, result):
        calls["n"] += 1
        if calls["n"] > 3:
            raise RuntimeError("disk full")
        original(self, record, result)

    writers.JsonlWriter.write = failing  # type: ignore[method-assign]
    try:
        assert CliRunner().invoke(main, [*args, "-o", str(out)]).exit_code != 0
    finally:
        writers.JsonlWriter.write = original  # type: ignore[method-assign]
    assert CliRunner().invoke(main, [*args, "-o", str(out), "--resume"]).exit_code == 0
    assert out.read_text() == clean.read_text()
    assert len(out.read_text().splitlines()) == n


def test_csv_input_and_folder_ids_are_masked_in_error_messages_too(tmp_path):
    """A folder's ids are file names (which may hold a patient's name) and its error messages
    name the file: with --redact both become record-N."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / f"{ID_CANARY}.txt").write_bytes(b"\xff\xfe\xfa not utf8 " + CANARY.encode())
    (root / f"{ID_CANARY}-b.txt").write_text("   ")
    result = CliRunner().invoke(main, ["batch", str(root), "--redact", "-q"])
    assert result.exit_code == 0
    assert CANARY not in result.output and ID_CANARY not in result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["error"]["message"].startswith("file record-1:")
    src = tmp_path / "in.csv"
    _hostile_csv(src)
    out = CliRunner().invoke(main, ["batch", str(src), "--redact", "-q"])
    assert CANARY not in out.output and ID_CANARY not in out.output


def test_check_redact_masks_id_and_evidence_and_unredacted_errors_hold_no_text(tmp_path):
    note = tmp_path / f"{ID_CANARY}.txt"
    note.write_text(GOOD)
    result = CliRunner().invoke(main, ["check", "--json", "--redact", str(note)])
    assert CANARY not in result.output and ID_CANARY not in result.output
    assert json.loads(result.output)["id"] == "record-1"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(CANARY.encode() + b" \xff wire")
    for args in (["check", str(bad)], ["check", "--json", str(bad)]):
        assert CANARY not in CliRunner().invoke(main, args).output


def test_serve_stdio_at_debug_leaks_nothing_when_redacted(debug_logs):
    """serve --stdio with the canary in valid, invalid and malformed requests: the responses
    hold no note text with redaction on, and no log record holds any."""
    requests = b"\n".join(
        [
            json.dumps({"id": "a", "text": GOOD}).encode(),
            f'{{"id": "b", "text": "{CANARY} \xff"}}'.encode("latin-1"),
            f'{{"id": "c", "text": {CANARY}}}'.encode(),
            json.dumps({"id": "d", "text": f"{CANARY} " * 200_001}).encode(),
        ]
    )
    sink = io.BytesIO()
    assert serve_stdio(Checker(redact=True), io.BytesIO(requests), sink) == 4
    logs = "\n".join(r.getMessage() for r in debug_logs.records)
    assert CANARY not in sink.getvalue().decode() + logs
    kinds = [json.loads(line)["verdict"] for line in sink.getvalue().splitlines()]
    assert kinds == ["supported", "error", "error", "error"]


def test_internal_failure_message_and_traceback_hold_no_note_text(tmp_path):
    """A crash of the whole run (exit 1) prints the exception's type only, even when the
    exception's message quotes the note."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n")
    code = (
        "import sys; from locaudit.io import writers; "
        "from locaudit import cli\n"
        "def boom(self, record, result): raise ValueError(record.text)\n"
        "writers.JsonlWriter.write = boom\n"
        f"sys.argv = ['locaudit', 'batch', {str(src)!r}, '--timeout-per-note', '0']\n"
        "cli.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=240, cwd=ROOT)
    assert done.returncode == 1
    assert b"ValueError" in done.stderr
    assert CANARY.encode() not in done.stdout + done.stderr
