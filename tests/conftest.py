"""Shared fixtures: one pipeline for the whole session (no downloads: blank English + rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

import locaudit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def nlp():
    return locaudit.load()


@pytest.fixture(scope="session")
def facts_of(nlp):
    def run(text: str):
        return nlp(text)._.locaudit_facts

    return run


@pytest.fixture(scope="session")
def http_server(tmp_path_factory):
    """One real ``locaudit serve --port`` subprocess on loopback for the HTTP tests."""
    from tests.servers import SubprocessServer

    server = SubprocessServer(tmp_path_factory.mktemp("server") / "server.log")
    yield server
    server.stop()


def example_notes() -> dict[str, str]:
    """The example notes by id (the malformed last line left out)."""
    import json

    out = {}
    for line in (FIXTURES / "examples" / "notes.jsonl").read_text().splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        out[row["id"]] = row["text"]
    return out


@pytest.fixture(scope="session")
def cli_record(tmp_path_factory):
    """``locaudit check --json --id ID`` of a note: the record every way in must equal."""
    import json

    from click.testing import CliRunner

    from locaudit.cli import main

    folder = tmp_path_factory.mktemp("cli")

    def run(text: str, record_id: str) -> dict:
        note = folder / "note.txt"
        note.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["check", "--json", "--id", record_id, str(note)])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return run
