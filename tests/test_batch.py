"""locaudit batch: outputs by extension, workers keep order, resume loses and duplicates
nothing, Ctrl-C leaves a partial output that --resume continues."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from locaudit.cli import main
from locaudit.io.csv_output import safe_cell
from tests.conftest import FIXTURES, ROOT

EXAMPLES = FIXTURES / "examples" / "notes.jsonl"
IRRELEVANT = "MRI LEFT KNEE. Findings: small joint effusion. Impression: medial meniscus tear."


def _rows() -> list[dict]:
    rows = []
    for line in EXAMPLES.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def _write_input(path: Path, n: int) -> list[str]:
    """n records cycling through the examples, irrelevant notes and a broken line; their ids."""
    base = _rows()
    ids, lines = [], []
    for i in range(n):
        if i % 11 == 5:
            lines.append('{"id": "broken-' + str(i))  # malformed: its id is line:N
            ids.append(f"line:{i + 1}")
            continue
        row = dict(base[i % len(base)]) if i % 3 else {"text": IRRELEVANT}
        row["id"] = f"n{i:04d}"
        lines.append(json.dumps(row))
        ids.append(row["id"])
    path.write_text("\n".join(lines) + "\n")
    return ids


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


@pytest.fixture
def runner():
    return CliRunner()


def test_workers_keep_order_and_match_one_process(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    ids = _write_input(src, 60)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert runner.invoke(main, ["batch", str(src), "-o", str(one), "-q"]).exit_code == 0
    result = runner.invoke(
        main, ["batch", str(src), "-o", str(two), "--workers", "2", "--batch-size", "4", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert _ids(one) == ids
    assert two.read_text() == one.read_text()


def test_gate_off_gives_the_same_records(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    _write_input(src, 30)
    gated, full = tmp_path / "g.jsonl", tmp_path / "f.jsonl"
    result = runner.invoke(main, ["batch", str(src), "-o", str(gated)])
    assert "gated" in result.stderr and " 0 gated" not in result.stderr
    runner.invoke(main, ["batch", str(src), "-o", str(full), "--no-gate", "-q"])
    assert gated.read_text() == full.read_text()


def test_csv_output_one_flat_row_per_note_and_no_formulas(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": '=HYPERLINK("http://x")', "text": _rows()[0]["text"]},
        {"id": "@SUM(A1)", "text": IRRELEVANT},
        {"id": "plain\nid", "text": ""},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "out.csv"
    assert runner.invoke(main, ["batch", str(src), "-o", str(out), "-q"]).exit_code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 4  # header + one physical line per note
    table = list(csv.DictReader(lines))
    assert [r["id"] for r in table] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "plain id"]
    assert table[0]["verdict"] == "supported" and table[0]["units_19284"] == "1"
    assert table[0]["codes"] == "19283-LT; 19284-LT" and table[0]["same_session"] == "true"
    assert table[1]["findings"] == "NO_PLACEMENT_THIS_SESSION"
    assert table[2]["error_kind"] == "empty_text"
    for cell in ("-1+1", "+A1", "\t=x", "=1"):
        assert safe_cell(cell).startswith("'")
    assert safe_cell("19284-LT") == "19284-LT" and safe_cell(3) == "3"


def test_html_report_escapes_text_and_redact_drops_it(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    note = _rows()[0]["text"] + "\n<script>alert('CANARY-99')</script>"
    src.write_text(json.dumps({"id": "<b>x</b>", "text": note}) + "\n")
    out = tmp_path / "r.html"
    assert runner.invoke(main, ["batch", str(src), "-o", str(out), "-q"]).exit_code == 0
    page = out.read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;CANARY-99" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and '<mark class="ev"' in page
    assert "http://" not in page and "https://" not in page  # nothing fetched
    redacted = tmp_path / "red.html"
    runner.invoke(main, ["batch", str(src), "-o", str(redacted), "-q", "--redact"])
    page = redacted.read_text()
    assert "CANARY-99" not in page and "Kopans" not in page and "evidence at characters" in page


def _run(runner, args):
    result = runner.invoke(main, args)
    return result


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".html"])
def test_resume_after_a_crash_loses_and_duplicates_nothing(runner, tmp_path, monkeypatch, suffix):
    """A failure after 23 records (an injected exception in the writer), then --resume: the
    output equals an uninterrupted run's, byte for byte (HTML: but its time stamp)."""
    from locaudit.io import writers

    src = tmp_path / "in.jsonl"
    _write_input(src, 50)
    clean = tmp_path / f"clean{suffix}"
    assert _run(runner, ["batch", str(src), "-o", str(clean), "-q"]).exit_code == 0

    out = tmp_path / f"out{suffix}"
    calls = {"n": 0}
    writer_cls = writers.writer_for(out)
    original = writer_cls.write

    def failing(self, record, result):
        calls["n"] += 1
        if calls["n"] > 23:
            raise RuntimeError("disk on fire")
        original(self, record, result)

    monkeypatch.setattr(writer_cls, "write", failing)
    crashed = _run(runner, ["batch", str(src), "-o", str(out), "-q", "--batch-size", "8"])
    assert crashed.exit_code != 0 and not out.exists()
    partial = tmp_path / f"out{suffix}.partial"
    assert partial.exists() and (tmp_path / f"out{suffix}.partial.json").exists()
    monkeypatch.setattr(writer_cls, "write", original)
    with partial.open("a") as handle:  # a record half-written when the process died
        handle.write('{"id": "torn", "verd' if suffix == ".jsonl" else "torn,supp")
    resumed = _run(runner, ["batch", str(src), "-o", str(out), "--resume", "--workers", "2"])
    assert resumed.exit_code == 0, resumed.output
    assert "resumed after 23" in resumed.stderr
    assert not partial.exists()
    if suffix == ".html":
        strip = lambda p: [ln for ln in p.read_text().splitlines() if "Generated" not in ln]  # noqa: E731
        assert strip(out) == strip(clean)
    else:
        assert out.read_text() == clean.read_text()


def test_resume_refuses_a_different_run(runner, tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    _write_input(src, 5)
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text("")
    (tmp_path / "out.jsonl.partial.json").write_text(json.dumps({"input": "elsewhere"}))
    result = runner.invoke(main, ["batch", str(src), "-o", str(out), "--resume"])
    assert result.exit_code == 2 and "different run" in result.output
    assert runner.invoke(main, ["batch", str(src), "--resume"]).exit_code == 2
    # without --resume a stale partial is simply replaced
    assert runner.invoke(main, ["batch", str(src), "-o", str(out), "-q"]).exit_code == 0
    assert len(_ids(out)) == 5


def test_ctrl_c_keeps_a_partial_that_resume_completes(tmp_path):
    """A real process, a real SIGINT midway, two workers: exit 130, the partial output holds
    only complete records, and --resume completes it to exactly the uninterrupted output."""
    src = tmp_path / "in.jsonl"
    ids = _write_input(src, 900)
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    cmd = [sys.executable, "-m", "locaudit.cli", "batch", str(src), "-o", str(out), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [*cmd, "--workers", "2", "--batch-size", "8"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.exists() and partial.stat().st_size > 20_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert b"--resume" in err and not out.exists()
    done = _ids(partial)  # every line of the partial is a complete record
    assert 0 < len(done) < len(ids) and done == ids[: len(done)]

    resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert _ids(out) == ids  # ids in = ids out, in order, no duplicates

    clean = tmp_path / "clean.jsonl"
    CliRunner().invoke(main, ["batch", str(src), "-o", str(clean), "-q"])
    assert out.read_text() == clean.read_text()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("in.csv", 'id,text\na,"Knee MRI.\nNormal."\nb,\n'),
        ("in.json", json.dumps({"resourceType": "Bundle", "entry": []})),
    ],
)
def test_batch_reads_other_formats(runner, tmp_path, name, body):
    src = tmp_path / name
    src.write_text(body)
    result = runner.invoke(main, ["batch", str(src), "-q"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    if name == "in.csv":
        assert [(r["id"], r["verdict"]) for r in records] == [
            ("a", "not_applicable"),
            ("b", "error"),
        ]
    else:
        assert records == []


def test_batch_reads_a_folder(runner, tmp_path):
    (tmp_path / "notes" / "sub").mkdir(parents=True)
    (tmp_path / "notes" / "one.txt").write_text(_rows()[0]["text"])
    (tmp_path / "notes" / "sub" / "two.txt").write_text(IRRELEVANT)
    result = runner.invoke(main, ["batch", str(tmp_path / "notes"), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader((tmp_path / "o.csv").open()))
    assert [(r["id"], r["verdict"]) for r in table] == [
        ("one.txt", "supported"),
        ("sub/two.txt", "not_applicable"),
    ]
    assert "2 records" in result.stderr
