"""``locaudit serve --stdio``: a real subprocess talking JSONL over pipes, as a transcription
system would, one request at a time."""

from __future__ import annotations

import io
import json
import select
import subprocess
import sys

import pytest

from locaudit import Checker
from locaudit.stdio import serve_stdio
from tests.conftest import example_notes

# Makes ``import fastapi`` / ``import uvicorn`` fail, as on an install without the extra.
NO_SERVER_EXTRA = (
    "import sys; sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None; "
    "sys.argv = ['locaudit', *sys.argv[1:]]; from locaudit.cli import main; main()"
)


class StdioClient:
    def __init__(self, *prefix: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, *prefix, "serve", "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def ask(self, line: bytes, timeout: float = 60) -> dict:
        """Send one line and wait for its response, without closing stdin: passes only if the
        server flushes each response as soon as it is written."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, "no response within the timeout: not flushed per request?"
        return json.loads(self.proc.stdout.readline())

    def close(self) -> tuple[int, str]:
        assert self.proc.stdin and self.proc.stderr
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        return code, self.proc.stderr.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def client():
    client = StdioClient("-m", "locaudit.cli")
    yield client
    client.close()


def test_stdio_answers_each_request_before_the_next_and_equals_cli(client, cli_record):
    for example in ("ex-two-lesions", "ex-one-lesion", "ex-ct-chest", "ex-missing-side"):
        text = example_notes()[example]
        response = client.ask(json.dumps({"id": example, "text": text}).encode())
        assert response == cli_record(text, example)


def test_stdio_bad_lines_get_error_records_and_the_stream_goes_on(client):
    bad_json = client.ask(b'{"id": "x", "text": "CANARY-STDIO-1 wire')
    assert bad_json["verdict"] == "error" and bad_json["error"]["kind"] == "malformed_json"
    assert bad_json["id"].startswith("line:")
    assert "CANARY" not in json.dumps(bad_json)
    bad_utf8 = client.ask(b'{"id": "y", "text": "\xff\xfe CANARY"}')
    assert bad_utf8["error"]["kind"] == "invalid_utf8"
    no_text = client.ask(b'{"id": "z"}')
    assert (no_text["id"], no_text["error"]["kind"]) == ("z", "missing_text")
    surrogate = client.ask(b'{"id": "s", "text": "wire \\ud800 CANARY-STDIO-2"}')
    assert surrogate["error"]["kind"] == "invalid_text" and "CANARY" not in json.dumps(surrogate)
    after = client.ask(json.dumps({"id": "ok", "text": example_notes()["ex-one-lesion"]}).encode())
    assert (after["id"], after["verdict"]) == ("ok", "not_supported")


def test_stdio_billed_accepted(client):
    text = example_notes()["ex-two-lesions"]
    plain = client.ask(json.dumps({"id": "b", "text": text}).encode())
    billed = client.ask(json.dumps({"id": "b", "text": text, "billed": "19283-LT"}).encode())
    assert billed == plain and billed["billed_check"] is None


def test_stdio_works_without_the_server_extra_and_logs_no_note_text():
    client = StdioClient("-c", NO_SERVER_EXTRA)
    response = client.ask(b'{"id": "a", "text": "Chest CT. CANARY-STDIO-3"}')
    assert response["verdict"] == "not_applicable"
    client.ask(b'{"text": CANARY-STDIO-4}')
    code, stderr = client.close()
    assert code == 0
    assert "CANARY" not in stderr


def test_serve_stdio_in_process_skips_blank_lines_and_counts():
    source = io.BytesIO(b'{"id": "a", "text": "Chest CT."}\n\n   \nnot json\n')
    sink = io.BytesIO()
    assert serve_stdio(Checker(), source, sink) == 2
    lines = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert [r["id"] for r in lines] == ["a", "line:4"]


def test_serve_port_without_the_server_extra_is_a_usage_error():
    proc = subprocess.run(
        [sys.executable, "-c", NO_SERVER_EXTRA, "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "locaudit[server]" in proc.stderr


def test_serve_needs_exactly_one_of_stdio_and_port():
    from click.testing import CliRunner

    from locaudit.cli import main

    assert CliRunner().invoke(main, ["serve"]).exit_code == 2
    assert CliRunner().invoke(main, ["serve", "--stdio", "--port", "1"]).exit_code == 2
