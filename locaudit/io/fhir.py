"""FHIR R4 input: DocumentReference and DiagnosticReport resources carrying the note as a
base64 attachment, the way EHRs export notes.

Two shapes:

- a Bundle (``.json``): every ``entry.resource`` is a record, except entries a search only
  included for context (``search.mode == "include"``, e.g. the Patient); a single resource
  file is a record too. A Bundle is parsed whole, so very large exports should use
- NDJSON (``.ndjson``, FHIR Bulk Data): one resource per line, streamed.

The note is the first attachment with inline ``data`` whose content type is text (``text/*``
or none): ``DocumentReference.content[].attachment`` or ``DiagnosticReport.presentedForm[]``.
The id is the resource's ``id`` (``--id-field`` names another top-level field), and
``--billed-field`` a top-level field holding the billed codes. Anything else wrong (another
resource type, an attachment by URL only, a PDF, bad base64) gives an ``error`` record that
names the entry and what was wrong, never the text.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import IO, Any

from locaudit.io.encoding import decode_note
from locaudit.io.records import InputRecord, record_from_obj

NOTE_RESOURCES = ("DocumentReference", "DiagnosticReport")


def read_fhir_bundle(
    handle: IO[bytes], id_field: str = "id", billed_field: str = "billed"
) -> Iterator[InputRecord]:
    try:
        data = json.loads(handle.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield _error("entry:1", "invalid_utf8", f"the file is not valid UTF-8 (byte {exc.start})")
        return
    except json.JSONDecodeError as exc:
        yield _error(
            "entry:1", "malformed_json", f"invalid JSON at line {exc.lineno} column {exc.colno}"
        )
        return
    if not isinstance(data, dict):
        yield _error("entry:1", "malformed_record", "expected a FHIR Bundle or resource object")
        return
    if data.get("resourceType") != "Bundle":
        yield resource_record(data, "entry", 1, id_field, billed_field)
        return
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        yield _error("entry:1", "malformed_record", "Bundle.entry is not a list")
        return
    n = 0
    for entry in entries:
        if isinstance(entry, dict) and (entry.get("search") or {}).get("mode") == "include":
            continue
        n += 1
        resource = entry.get("resource") if isinstance(entry, dict) else None
        yield resource_record(resource, "entry", n, id_field, billed_field)


def read_fhir_ndjson(
    handle: IO[bytes], id_field: str = "id", billed_field: str = "billed"
) -> Iterator[InputRecord]:
    for lineno, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        try:
            resource = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            yield _error(
                f"line:{lineno}",
                "invalid_utf8",
                f"line {lineno}: not valid UTF-8 (byte {exc.start})",
            )
            continue
        except json.JSONDecodeError as exc:
            yield _error(
                f"line:{lineno}",
                "malformed_json",
                f"line {lineno}: invalid JSON at column {exc.colno}",
            )
            continue
        yield resource_record(resource, "line", lineno, id_field, billed_field)


def resource_record(
    resource: Any, where: str, n: int, id_field: str = "id", billed_field: str = "billed"
) -> InputRecord:
    """One record from one resource; ``where``/``n`` name its place ('entry 3', 'line 7')."""
    place = f"{where} {n}"
    if not isinstance(resource, dict):
        return _error(f"{where}:{n}", "malformed_record", f"{place}: no resource object")
    raw_id = resource.get(id_field)
    record_id = str(raw_id) if raw_id not in (None, "") else f"{where}:{n}"
    kind = resource.get("resourceType")
    if kind not in NOTE_RESOURCES:
        return _error(
            record_id,
            "unsupported_resource",
            f"{place}: resourceType {str(kind)[:40]!r} is not DocumentReference or "
            "DiagnosticReport",
        )
    attachments = _attachments(resource)
    if not attachments:
        return _error(record_id, "missing_text", f"{place}: {kind} has no attachment")
    text_like = [a for a in attachments if _is_text(a.get("contentType"))]
    # data "" is an empty note (empty_text, as in every reader), not a missing attachment
    inline = [a for a in text_like if isinstance(a.get("data"), str)]
    if not inline:
        if text_like:
            return _error(
                record_id,
                "attachment_not_inline",
                f"{place}: the text attachment has no inline data (a url is not fetched)",
            )
        ctype = str(attachments[0].get("contentType"))[:60]
        return _error(
            record_id, "unsupported_content_type", f"{place}: attachment is {ctype!r}, not text"
        )
    attachment = inline[0]
    try:
        raw = base64.b64decode(attachment["data"], validate=True)
    except (binascii.Error, ValueError, TypeError):
        return _error(record_id, "invalid_base64", f"{place}: attachment data is not base64")
    charset = _charset(attachment.get("contentType")) or "utf-8"
    try:
        # a declared charset is the sender's word; without one (or with UTF-8), the common
        # policy of io.encoding: UTF-8, or UTF-16 when a byte-order mark says so
        text = decode_note(raw) if charset in ("utf-8", "utf8") else raw.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return _error(
            record_id, "invalid_utf8", f"{place}: attachment text is not valid {charset[:20]}"
        )
    meta = {"resourceType": kind}
    for key in ("status", "date", "subject"):
        if key in resource:
            meta[key] = resource[key]
    record = record_from_obj(
        {"id": record_id, "text": text, "billed": resource.get(billed_field)},
        n,
        where=where,
    )
    record.meta = meta
    return record


def _attachments(resource: dict) -> list[dict]:
    if resource.get("resourceType") == "DiagnosticReport":
        found = resource.get("presentedForm") or []
    else:
        found = [c.get("attachment") for c in resource.get("content") or [] if isinstance(c, dict)]
    return [a for a in found if isinstance(a, dict)]


def _is_text(content_type: Any) -> bool:
    return content_type is None or str(content_type).lower().startswith("text/")


def _charset(content_type: Any) -> str | None:
    for part in str(content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"').lower()
    return None


def _error(record_id: str, kind: str, message: str) -> InputRecord:
    return InputRecord(record_id, None, error_kind=kind, error_message=message)
