"""Issue 7, the bad-input catalogue: every kind of broken or hostile input gives a clear
per-record error or a correct assessment, through every reader, and records in = records out.

Each case is written into each input format (JSON Lines, CSV, a folder of .txt notes, FHIR
NDJSON) between two good notes, and run through ``locaudit batch``; the same bad note must get
the same outcome whatever format carried it (the policies are in ``locaudit/io/encoding.py``
and the README's "Data safety").
"""

from __future__ import annotations

import base64
import codecs
import csv
import io
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import locaudit
from locaudit.api import Checker
from locaudit.batch import MAX_CHARS
from locaudit.cli import main
from locaudit.io.readers import open_source

GOOD = (
    "Stereotactic wire localization, left breast. Lesion 1: left 2:00, a wire was placed "
    "under stereotactic guidance. Lesion 2: left 10:00, in the same session a second wire "
    "was placed under stereotactic guidance."
)
FORMATS = ("jsonl", "csv", "dir", "fhir-ndjson")


def _jsonl_line(record_id: str, text: str | bytes) -> bytes:
    """A JSONL line; a bytes text goes in raw (so invalid UTF-8 stays invalid on disk)."""
    value = text.decode("utf-8", "surrogateescape") if isinstance(text, bytes) else text
    line = json.dumps({"id": record_id, "text": value}, ensure_ascii=False)
    return line.encode("utf-8", "surrogateescape") + b"\n"


def write_input(folder: Path, fmt: str, notes: list[str | bytes]) -> Path:
    """``notes`` as one input of format ``fmt``, ids n1, n2, ... (file names n1.txt ...)."""
    ids = [f"n{i}" for i in range(1, len(notes) + 1)]
    if fmt == "dir":
        root = folder / "notes"
        root.mkdir()
        for record_id, text in zip(ids, notes):
            raw = text if isinstance(text, bytes) else text.encode("utf-8")
            (root / f"{record_id}.txt").write_bytes(raw)
        return root
    if fmt == "jsonl":
        path = folder / "in.jsonl"
        path.write_bytes(b"".join(_jsonl_line(i, t) for i, t in zip(ids, notes)))
        return path
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["id", "text"])
        for record_id, text in zip(ids, notes):
            value = text.decode("utf-8", "surrogateescape") if isinstance(text, bytes) else text
            writer.writerow([record_id, value])
        path = folder / "in.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8", "surrogateescape"))
        return path
    assert fmt == "fhir-ndjson"
    lines = []
    for record_id, text in zip(ids, notes):
        raw = text if isinstance(text, bytes) else text.encode("utf-8")
        resource = {
            "resourceType": "DocumentReference",
            "id": record_id,
            "content": [{"attachment": {"contentType": "text/plain", "data": ""}}],
        }
        resource["content"][0]["attachment"]["data"] = base64.b64encode(raw).decode()
        lines.append(json.dumps(resource))
    path = folder / "in.ndjson"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_batch_cli(path: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["batch", str(path), "-q", "--timeout-per-note", "0", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def outcome(record: dict) -> str:
    return record["error"]["kind"] if record["verdict"] == "error" else record["verdict"]


# case name -> (the bad note, what it must become)
CASES: dict[str, tuple[str | bytes, str]] = {
    "empty": ("", "empty_text"),
    "whitespace_only": (" \t\r\n  \n", "empty_text"),
    "five_megabytes": ("breast wire clip " * 310_000, "too_large"),
    "invalid_utf8": (b"Left breast wire \xff\xfe\xfd placed.", "invalid_utf8"),
    "windows_1252": (
        "Left breast wire placed, caf\u00e9 na\u00efve".encode("cp1252"),
        "invalid_utf8",
    ),
    "nul_and_control_bytes": (
        "\x00\x1b[0m"
        + GOOD.replace("wire was", "wire \x00 was").replace(". ", ".\x0c\x01 ")
        + "\x00\x7f",
        "supported",
    ),
    "one_very_long_line": (GOOD + " " + "word " * 150_000, "supported"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_note_in_every_reader_gives_one_clear_record(tmp_path, fmt, case):
    """[good, bad, good] in, three records out in order; the bad note's outcome is the same in
    every format, and an error's message names no note text."""
    note, expected = CASES[case]
    path = write_input(tmp_path, fmt, [GOOD, note, GOOD])
    records = run_batch_cli(path)
    assert [outcome(r) for r in records] == ["supported", expected, "supported"]
    assert [r["id"].removesuffix(".txt") for r in records] == ["n1", "n2", "n3"]
    error = records[1]["error"]
    if error:
        assert "wire" not in error["message"] and "breast" not in error["message"]


@pytest.mark.parametrize("case", ["nul_and_control_bytes", "one_very_long_line"])
def test_odd_but_valid_text_is_assessed_with_exact_offsets(case):
    """Control characters and a 750,000-character line are notes like others: the evidence
    quotes exactly what was received at the offsets it gives."""
    text = CASES[case][0]
    assert isinstance(text, str)
    record = locaudit.assess(text)
    assert record.verdict == "supported"
    spans = [ev for les in record.lesions for ev in les.evidence]
    spans += [ev for f in record.findings for ev in f.evidence]
    assert spans and all(text[ev.start : ev.end] == ev.text for ev in spans)


def test_a_note_over_the_limit_is_too_large_through_check_and_api(tmp_path):
    """The size limit holds whichever way the note comes in, not only in batch (before, check
    and the API let spaCy refuse it: an 'internal' ValueError)."""
    big = "x " * (MAX_CHARS // 2 + 10)
    note = tmp_path / "big.txt"
    note.write_text(big)
    result = CliRunner().invoke(main, ["check", "--json", str(note)])
    assert result.exit_code == 0
    assert json.loads(result.output)["error"]["kind"] == "too_large"
    assert locaudit.assess(big).error.kind == "too_large"
    assert Checker().check(big).error.kind == "too_large"
    exactly = "x" * MAX_CHARS  # the limit itself is allowed
    assert locaudit.assess(exactly).verdict == "not_applicable"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "fhir-ndjson"])
@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_export_with_bom_reads_like_utf8(tmp_path, fmt, bom):
    """A whole export saved as 'Unicode' (UTF-16 with a BOM) gives the records the UTF-8 file
    gives: the mark is unambiguous, so it is honoured, never guessed."""
    notes = [GOOD, "Chest CT: no acute findings. Caf\u00e9 \u00b0 \u2013 \u00e9.", ""]
    (tmp_path / "utf8").mkdir()
    (tmp_path / "utf16").mkdir()
    plain = write_input(tmp_path / "utf8", fmt, notes)
    wide = write_input(tmp_path / "utf16", fmt, notes)
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    wide.write_bytes(bom + plain.read_bytes().decode("utf-8").encode(codec))
    records = run_batch_cli(wide, "--input-format", fmt)
    assert records == run_batch_cli(plain, "--input-format", fmt)
    assert [outcome(r) for r in records] == ["supported", "not_applicable", "empty_text"]


def test_utf16_note_file_and_check(tmp_path):
    """A UTF-16 note in a folder or given to ``check`` is read too; a UTF-16 note with an
    unpaired surrogate is an ``invalid_utf8`` error, not a crash."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.txt").write_bytes(GOOD.encode("utf-16"))  # Python writes the BOM
    (root / "b.txt").write_bytes(codecs.BOM_UTF16_LE + b"A\x00\x00\xd8B\x00")
    records = run_batch_cli(root)
    assert [outcome(r) for r in records] == ["supported", "invalid_utf8"]
    result = CliRunner().invoke(main, ["check", "--json", str(root / "a.txt")])
    assert json.loads(result.output)["verdict"] == "supported"


def test_utf16_file_cut_in_the_middle_of_a_character(tmp_path):
    """An odd number of UTF-16 bytes: the records before stand, then one truncated_input."""
    plain = write_input(tmp_path, "jsonl", [GOOD, GOOD])
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes(codecs.BOM_UTF16_LE + plain.read_bytes().decode().encode("utf-16-le") + b"x")
    records = run_batch_cli(wide)
    assert [outcome(r) for r in records] == ["supported", "supported", "truncated_input"]


def test_windows_1252_export_spoils_only_the_records_with_such_bytes(tmp_path):
    """A cp1252 CSV export: rows that are pure ASCII read as usual, each row holding a cp1252
    byte is an invalid_utf8 error record in its place (never replacement characters)."""
    path = tmp_path / "export.csv"
    rows = [["id", "text"], ["a", GOOD], ["b", "Left breast wire, 5\u00b0 angle"], ["c", GOOD]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    records = run_batch_cli(path)
    assert [outcome(r) for r in records] == ["supported", "invalid_utf8", "supported"]
    assert records[1]["id"] == "b" and "\ufffd" not in json.dumps(records)


def test_malformed_rows_missing_fields_and_duplicate_ids_all_come_out(tmp_path):
    """Records in = records out through a file of everything wrong at once; duplicate ids are
    kept and each assessed (their place in the output tells them apart)."""
    lines = [
        json.dumps({"id": "dup", "text": GOOD}),
        '{"id": "broken", "text": "wire',  # malformed JSON
        json.dumps({"id": "no-text"}),
        json.dumps({"text": GOOD}),  # no id
        json.dumps({"id": "dup", "text": "Chest CT."}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "num", "text": 42}),
        json.dumps({"id": "", "text": GOOD}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n\n")  # a trailing blank line is no record
    records = run_batch_cli(path)
    assert [r["id"] for r in records] == [
        "dup",
        "line:2",
        "no-text",
        "line:4",
        "dup",
        "line:6",
        "num",
        "line:8",
    ]
    assert [outcome(r) for r in records] == [
        "supported",
        "malformed_json",
        "missing_text",
        "supported",
        "not_applicable",
        "malformed_record",
        "invalid_text",
        "supported",
    ]


def test_malformed_csv_rows_and_missing_columns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        f'id,text\na,"{GOOD}"\nb,too,many,cells\nc\na,"{GOOD}"\nd,"an unterminated quote\n'
    )
    records = run_batch_cli(path)
    assert [r["id"] for r in records] == ["a", "b", "c", "a", "d"]  # ids kept where readable
    assert [outcome(r) for r in records] == [
        "supported",
        "malformed_csv",
        "malformed_csv",
        "supported",
        "not_applicable",
    ]  # a quote left open at the end of the file closes there (csv's rule): d is its text
    other = tmp_path / "other.csv"
    other.write_text(f'id,body\na,"{GOOD}"\n')
    assert [outcome(r) for r in run_batch_cli(other)] == ["missing_text"]


def test_binary_files_in_a_notes_folder(tmp_path):
    """A PDF or an image saved as .txt is not UTF-8: an error record naming the file."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.txt").write_text(GOOD)
    (root / "b.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + bytes(range(256)))
    (root / "c.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)))
    records = run_batch_cli(root)
    assert [outcome(r) for r in records] == ["supported", "invalid_utf8", "invalid_utf8"]
    assert records[1]["error"]["message"].startswith("file b.txt:")


def test_every_reader_streams_the_same_count(tmp_path):
    """The readers themselves (no pipeline): one input record per note, whatever is wrong."""
    notes: list[str | bytes] = [note for note, _ in CASES.values()]
    for fmt in FORMATS:
        (tmp_path / fmt).mkdir()
        path = write_input(tmp_path / fmt, fmt, notes)
        assert sum(1 for _ in open_source(path, fmt).records()) == len(notes), fmt


def test_repeated_device_words_finish_in_reasonable_time():
    """'wire clip seed' 50,000 times (750,000 characters of device words): measured at about
    2 s on 2 shared cores; linear in the length. A generous bound catches a regression to
    quadratic matching (that would take minutes)."""
    text = "wire clip seed " * 50_000
    started = time.perf_counter()
    record = locaudit.assess(text)
    assert time.perf_counter() - started < 30
    assert record.verdict in ("not_applicable", "needs_review", "not_supported")
