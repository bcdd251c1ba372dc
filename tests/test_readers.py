"""Every input format, good and broken records: one record per input record, in order, and
error messages that name the place and never quote the note."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from locaudit.io.readers import detect_format, open_source

CANARY = "CANARY-4411"
NOTE = f"Stereotactic wire localization, left breast. {CANARY}"


def _read(path, fmt="auto", **fields):
    return list(open_source(path, fmt, **fields).records())


def _no_canary(records):
    for record in records:
        assert CANARY not in (record.error_message or "")


def test_jsonl_and_gzip(tmp_path):
    rows = [{"id": "a", "text": NOTE, "billed": "19283-LT"}, {"id": "b", "text": ""}]
    body = "\n".join(json.dumps(r) for r in rows) + "\n{broken " + CANARY + "\n"
    (tmp_path / "n.jsonl").write_text(body)
    with gzip.open(tmp_path / "n.jsonl.gz", "wt") as handle:
        handle.write(body)
    for name in ("n.jsonl", "n.jsonl.gz"):
        records = _read(tmp_path / name)
        assert [(r.id, r.error_kind) for r in records] == [
            ("a", None),
            ("b", "empty_text"),
            ("line:3", "malformed_json"),
        ]
        assert records[0].billed == "19283-LT"
        _no_canary(records)


def test_csv_multiline_quoted_cells_and_field_options(tmp_path):
    text = 'accession,note,codes,site\nA1,"line one\nline two, with comma\n""quoted""",19284,x\n'
    (tmp_path / "n.csv").write_bytes(text.encode())
    [record] = _read(
        tmp_path / "n.csv", id_field="accession", text_field="note", billed_field="codes"
    )
    assert record.id == "A1" and record.text == 'line one\nline two, with comma\n"quoted"'
    assert record.billed == "19284" and record.meta == {"site": "x"}


def test_csv_broken_rows_become_error_records_in_place(tmp_path):
    good = f'"{NOTE}"'
    raw = (
        b"id,text\n"
        + f"r1,{good}\n".encode()
        + f"r2,{good},extra cell {CANARY}\n".encode()
        + b'r3,"caf\xe9 '
        + CANARY.encode()
        + b'"\n'
        + b"r4,\n"
        + b"\n"
        + f"r5,{good}\n".encode()
    )
    (tmp_path / "n.csv").write_bytes(raw)
    with gzip.open(tmp_path / "n.csv.gz", "wb") as handle:
        handle.write(raw)
    for name in ("n.csv", "n.csv.gz"):
        records = _read(tmp_path / name)
        assert [(r.id, r.error_kind) for r in records] == [
            ("r1", None),
            ("r2", "malformed_csv"),
            ("r3", "invalid_utf8"),
            ("r4", "empty_text"),
            ("r5", None),
        ]
        assert "row 2 (line 3)" in records[1].error_message
        assert "'text'" in records[2].error_message
        _no_canary(records)


def test_csv_missing_text_column_names_the_field(tmp_path):
    (tmp_path / "n.csv").write_text("id,body\na,hello\n")
    [record] = _read(tmp_path / "n.csv")
    assert record.error_kind == "missing_text" and "'text'" in record.error_message


def test_text_directory_recursive_sorted_with_broken_files(tmp_path):
    root = tmp_path / "notes"
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a.txt").write_text(NOTE)
    (root / "b" / "deep" / "c.txt").write_text(NOTE)
    (root / "b" / "empty.txt").write_text("  \n")
    (root / "b" / "latin1.txt").write_bytes(b"caf\xe9 " + CANARY.encode())
    with gzip.open(root / "b" / "z.txt.gz", "wt") as handle:
        handle.write(NOTE)
    (root / "b" / "skip.pdf").write_bytes(b"%PDF")
    (root / "bad.txt.gz").write_bytes(b"not gzip at all")
    records = _read(root)
    assert detect_format(root) == "dir"
    assert [(r.id, r.error_kind) for r in records] == [
        ("a.txt", None),
        ("bad.txt.gz", "unreadable_file"),  # a folder's own files before its subfolders
        ("b/empty.txt", "empty_text"),
        ("b/latin1.txt", "invalid_utf8"),
        ("b/z.txt.gz", None),
        ("b/deep/c.txt", None),
    ]
    assert records[2].error_message.startswith("file b/empty.txt:")
    _no_canary(records)


def _docref(rid, text=NOTE, **attachment):
    data = base64.b64encode(text.encode()).decode()
    att = {"contentType": "text/plain; charset=utf-8", "data": data, **attachment}
    return {"resourceType": "DocumentReference", "id": rid, "content": [{"attachment": att}]}


def _bundle_entries():
    pdf = {"contentType": "application/pdf", "data": "JVBERi0="}
    return [
        {"resource": _docref("d1")},
        {"resource": {"resourceType": "Patient", "id": "p1"}, "search": {"mode": "include"}},
        {
            "resource": {
                "resourceType": "DiagnosticReport",
                "id": "r1",
                "presentedForm": [
                    pdf,
                    {"contentType": "text/plain", "data": base64.b64encode(NOTE.encode()).decode()},
                ],
            }
        },
        {"resource": _docref("d2", data="@@not base64@@")},
        {"resource": _docref("d3", data=None, url="https://ehr.example/doc/3")},
        {"resource": {"resourceType": "DiagnosticReport", "id": "r2", "presentedForm": [pdf]}},
        {"resource": {"resourceType": "Observation", "id": "o1"}},
        {"resource": _docref("d4", text="   ")},
        {"fullUrl": "urn:uuid:1"},
    ]


EXPECTED_FHIR = [
    ("d1", None),
    ("r1", None),
    ("d2", "invalid_base64"),
    ("d3", "attachment_not_inline"),
    ("r2", "unsupported_content_type"),
    ("o1", "unsupported_resource"),
    ("d4", "empty_text"),
]


def test_fhir_bundle_document_reference_and_diagnostic_report(tmp_path):
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": _bundle_entries()}
    (tmp_path / "b.json").write_text(json.dumps(bundle))
    records = _read(tmp_path / "b.json")
    assert detect_format(tmp_path / "b.json") == "fhir"
    assert [(r.id, r.error_kind) for r in records] == [
        *EXPECTED_FHIR,
        ("entry:8", "malformed_record"),
    ]
    assert records[0].text == NOTE and records[1].text == NOTE
    assert records[0].meta["resourceType"] == "DocumentReference"
    _no_canary(records)


def test_fhir_ndjson_streams_and_keeps_line_numbers(tmp_path):
    lines = [json.dumps(e["resource"]) for e in _bundle_entries() if "resource" in e]
    lines.insert(3, "{not json " + CANARY)
    with gzip.open(tmp_path / "docs.ndjson.gz", "wt") as handle:
        handle.write("\n".join(lines) + "\n")
    assert detect_format(tmp_path / "docs.ndjson.gz") == "fhir-ndjson"
    records = _read(tmp_path / "docs.ndjson.gz")
    ids = [(r.id, r.error_kind) for r in records]
    assert ids[:3] == [("d1", None), ("p1", "unsupported_resource"), ("r1", None)]
    assert ids[3] == ("line:4", "malformed_json")
    assert len(records) == len(lines)
    _no_canary(records)


def test_ndjson_without_resource_type_is_plain_jsonl(tmp_path):
    (tmp_path / "n.ndjson").write_text(json.dumps({"id": "a", "text": NOTE}) + "\n")
    assert detect_format(tmp_path / "n.ndjson") == "jsonl"
    assert [r.id for r in _read(tmp_path / "n.ndjson")] == ["a"]


def test_fhir_bundle_that_is_not_json(tmp_path):
    (tmp_path / "b.json").write_text("{" + CANARY)
    [record] = _read(tmp_path / "b.json")
    assert record.error_kind == "malformed_json"
    _no_canary([record])


def test_truncated_gzip_ends_with_one_error_record(tmp_path):
    body = "".join(
        json.dumps({"id": f"n{i}", "text": NOTE + " x" * 500}) + "\n" for i in range(200)
    )
    data = gzip.compress(body.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    records = _read(tmp_path / "cut.jsonl.gz")
    assert records[-1].error_kind == "truncated_input"
    good = records[:-1]
    assert good and [r.id for r in good] == [f"n{i}" for i in range(len(good))]
    assert all(r.error_kind is None for r in good)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.csv.gz", "csv"), ("a.jsonl", "jsonl"), ("a.txt", "jsonl"), ("a.JSON", "fhir")],
)
def test_detect_format_by_name(tmp_path, name, fmt):
    (tmp_path / name).write_bytes(b"")
    assert detect_format(tmp_path / name) == fmt
