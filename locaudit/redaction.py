"""``--redact`` for record ids: each id becomes ``record-N``, its place in the input.

Evidence text and locations are masked where the record is built
(:func:`locaudit.assessment.build_assessment`); the id is masked here, as the record leaves
for an output, because only the writer side knows the record's place in the whole input
(a resumed run starts at record K+1). Ids are often medical record or accession numbers, and
a folder's ids are file names, which may hold a patient's name: none of them may reach a
redacted output, not even inside an error message (a file's error names the file).

``record-N`` rather than a hash: a hash of an id can be reversed by hashing every candidate
id (accession numbers are short), and a salted hash that is different every run would break
``--resume``. The position carries nothing about the id, is the same in every run over the
same input, and lets whoever holds the input (and only they) find the note again: records
come out in input order, one per input record.
"""

from __future__ import annotations

import re

from locaudit.models import Assessment, ErrorInfo


def redacted_id(position: int) -> str:
    """The stand-in id of the ``position``-th input record (1-based)."""
    return f"record-{position}"


def mask_id(result: Assessment, position: int) -> Assessment:
    """``result`` with its id (and any mention of it in an error message) replaced."""
    token = redacted_id(position)
    update: dict = {"id": token}
    if result.error is not None and result.id:
        message = _without(result.error.message, result.id, token)
        if message != result.error.message:
            update["error"] = ErrorInfo(kind=result.error.kind, message=message)
    return result.model_copy(update=update)


def _without(message: str, record_id: str, token: str) -> str:
    """``message`` with ``record_id`` replaced where it stands as a whole (a file's error reads
    'file notes/x.txt: ...'); an id of one or two characters is replaced only in that 'file'
    form, so that 'expected a JSON object' keeps its 'a'."""
    message = message.replace(f"file {record_id}:", f"file {token}:")
    if len(record_id) < 3:
        return message
    return re.sub(rf"(?<![\w/.-]){re.escape(record_id)}(?![\w/.-])", token, message)
