"""The command line, through click's CliRunner."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from locaudit.cli import main
from tests.conftest import FIXTURES, example_notes

EXAMPLES = FIXTURES / "examples" / "notes.jsonl"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize(
    ("example", "verdict", "units"),
    [
        ("ex-two-lesions", "supported", 1),
        ("ex-one-lesion", "not_supported", 0),
        ("ex-ct-chest", "not_applicable", 0),
    ],
)
def test_cli_check_three_verdicts(runner, tmp_path, example, verdict, units):
    note = tmp_path / "note.txt"
    note.write_text(example_notes()[example])
    result = runner.invoke(main, ["check", "--json", str(note)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["verdict"], record["units_19284"]) == (verdict, units)


def test_cli_check_reads_stdin_and_prints_summary(runner):
    result = runner.invoke(main, ["check", "-"], input=example_notes()["ex-two-lesions"])
    assert result.exit_code == 0
    assert "SUPPORTED" in result.output and "19284" in result.output


def test_cli_batch_one_record_per_line_and_schema_valid(runner, tmp_path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in EXAMPLES.read_text().splitlines() if ln.strip()]
    records = [json.loads(ln) for ln in out.read_text().splitlines()]
    assert len(records) == len(lines)
    by_id = {r["id"]: r for r in records}
    assert by_id["ex-empty"]["verdict"] == "error"
    assert by_id["ex-empty"]["error"]["kind"] == "empty_text"
    assert records[-1]["verdict"] == "error" and records[-1]["error"]["kind"] == "malformed_json"
    schema = json.loads(runner.invoke(main, ["schema"]).output)
    for record in records:
        jsonschema.validate(record, schema)


def test_cli_batch_missing_text_field(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a"}\n{"id": "b", "text": 5}\n')
    result = runner.invoke(main, ["batch", str(src)])
    kinds = [json.loads(ln)["error"]["kind"] for ln in result.stdout.splitlines()]
    assert kinds == ["missing_text", "invalid_text"]


def test_cli_error_messages_never_quote_note_text(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "CANARY-7731 wire placed\n')
    result = runner.invoke(main, ["batch", str(src)])
    assert "CANARY-7731" not in result.output


def test_cli_usage_error_exit_2(runner):
    assert runner.invoke(main, ["batch", "/no/such/file.jsonl"]).exit_code == 2
    assert runner.invoke(main, ["check", "--bogus", "-"]).exit_code == 2


def test_cli_version(runner):
    from locaudit import __version__

    assert __version__ in runner.invoke(main, ["--version"]).output


def test_cli_redact_masks_evidence(runner, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text(example_notes()["ex-two-lesions"])
    record = json.loads(runner.invoke(main, ["check", "--json", "--redact", str(note)]).output)
    texts = {ev["text"] for les in record["lesions"] for ev in les["evidence"]}
    assert texts == {"[REDACTED]"}


def test_a_failing_component_spoils_only_its_own_note(monkeypatch):
    """A bug inside the pipeline turns that one note into an ``error`` record (the exception's
    type, never the note's text); the notes around it are assessed."""
    import locaudit
    from locaudit.nlp import lesions

    original = lesions.LesionBuilder.extract

    def flaky(self, doc):
        if "CANARY-FAIL" in doc.text:
            raise RuntimeError("boom")
        return original(self, doc)

    monkeypatch.setattr(lesions.LesionBuilder, "extract", flaky)
    notes = [
        "Stereotactic wire localization of the left breast at 2:00.",
        "CANARY-FAIL left breast wire",
        "Chest CT without contrast.",
    ]
    results = list(locaudit.assess_many(notes, ["a", "b", "c"]))
    assert [r.id for r in results] == ["a", "b", "c"]
    assert results[1].verdict == "error" and "CANARY" not in results[1].model_dump_json()
    assert results[0].verdict != "error" and results[2].verdict == "not_applicable"


def test_cli_broken_rule_file_is_a_usage_error(tmp_path):
    import shutil
    import subprocess
    import sys

    from locaudit.rules import PACKAGE_PATTERNS

    patterns = tmp_path / "patterns"
    shutil.copytree(PACKAGE_PATTERNS, patterns)
    with (patterns / "concepts.jsonl").open("a") as handle:
        handle.write('{"id": "x1", "label": "NOPE", "pattern": "wire"}\n')
    done = subprocess.run(
        [sys.executable, "-m", "locaudit.cli", "check", "--patterns", str(patterns), "-"],
        input="Left breast: a wire was placed under stereotactic guidance.",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "rule file error: concepts.jsonl:" in done.stderr
    assert "internal error" not in done.stderr
