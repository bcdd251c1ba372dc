"""Placement times and dates of service that do not fit one sitting.

Technologist logs and structured reports stamp each placement ('SCOUT reflector deployed 07:58',
'Tag #2 deployed 13:40') and the visit ('Start 07:40  End 08:20'). Coders treat placements
hours apart, or a placement stamped after the procedure ended, as a session the radiologist
must confirm: the patient may have left and come back. Each time is read next to the
placement act the concept matcher found (``PLACE``), so the verbs stay in
``patterns/concepts.jsonl``.

An export that joins two signed reports ('PART 1 ... DOS: 03/19/2024 ... PART 2 ... DOS:
03/1█/2024 [smudged]') has two dates of service: unless they are the same date, the lesions of
the two reports are not plainly one session.

A clock face looks like a time ('wire placed at 10:30'): only a time that cannot be a clock
face is read, one with hours past 12 or minutes off the quarter hour ('10:14', '13:35').
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from locaudit.nlp.mentions import Mention

SITTING_MINUTES = 180  # placements further apart than this are not plainly one sitting
LATE_MINUTES = 10  # a placement stamped this long after the recorded end
_TIME = re.compile(r"^([01]?\d|2[0-3]):?([0-5]\d)$")
_END_WORDS = frozenset({"end", "ended", "finish", "finished"})


def _minutes(text: str, strict: bool = True) -> int | None:
    """'07:58' -> 478; '1340' -> 820. With ``strict``, not what could be a clock face."""
    match = _TIME.match(text)
    if match is None or (":" not in text and len(text) != 4):
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if strict and hours <= 12 and minutes in (0, 15, 30, 45):
        return None
    return hours * 60 + minutes


def _time_after(doc: Doc, index: int, strict: bool = True) -> tuple[int, int] | None:
    """(minutes, token index) of a time within two tokens after ``index`` ('deployed at
    13:35', 'placed 1009')."""
    for i in range(index, min(index + 3, len(doc))):
        token = doc[i]
        if token.is_space or token.lower_ in ("at", "@", ":", "-", "=", "time"):
            continue
        value = _minutes(token.text, strict)
        return (value, i) if value is not None else None
    return None


def _line_stamps(doc: Doc, mentions: list[Mention]) -> list[tuple[int, int]]:
    """Times that open a line with a placement in it ('07:45  Lesion 1, right 3:00: ... seed
    deployed'), read as times whatever their minutes: a log line opens with its time."""
    acts = sorted(m.start for m in mentions if m.label == "PLACE" and m.affirmed)
    stamps: list[tuple[int, int]] = []
    for token in doc:
        if token.i > 0 and not (doc[token.i - 1].is_space and "\n" in doc[token.i - 1].text):
            continue
        value = _minutes(token.text, strict=False)
        if value is None or ":" not in token.text:
            continue
        end = next((t.i for t in doc[token.i :] if t.is_space and "\n" in t.text), len(doc))
        if any(token.i < start < end for start in acts):
            stamps.append((value, token.i))
    # lines may open with clock faces instead ('1:00 calcifications: ... 6:00 mass: ...'):
    # they are times only if one of them cannot be a clock face
    if all(_minutes(doc[i].text) is None for _, i in stamps):
        return []
    return stamps


def doubtful_times(doc: Doc, mentions: list[Mention]) -> tuple[int, int] | None:
    """The span (characters) of a placement time that puts the sitting in doubt, if any."""
    stamped: list[tuple[int, int]] = []
    for m in mentions:
        if m.label == "PLACE" and m.affirmed:
            found = _time_after(doc, m.end)
            if found is not None:
                stamped.append(found)
    stamped += _line_stamps(doc, mentions)
    if not stamped:
        return None
    end = None
    for token in doc:
        if token.lower_ in _END_WORDS:
            found = _time_after(doc, token.i + 1, strict=False)
            if found is not None:
                end = found[0]
    first = min(stamped)
    last = max(stamped)
    late = end is not None and last[0] > end + LATE_MINUTES
    if late or (len(stamped) >= 2 and last[0] - first[0] > SITTING_MINUTES):
        token = doc[last[1]]
        return (token.idx, token.idx + len(token.text))
    return None


_SERVICE_WORDS = frozenset({"dos", "service"})  # 'DOS 03/12/2025', 'Date of service: ...'


def other_service_date(doc: Doc) -> tuple[int, int] | None:
    """The span of a second date of service that differs from the first, if any."""
    seen: list[tuple[str, int]] = []
    for token in doc:
        if token.lower_ not in _SERVICE_WORDS:
            continue
        i = token.i + 1
        while i < len(doc) and (doc[i].is_space or doc[i].text in (":", "=", "-")):
            i += 1
        if i < len(doc) and any(ch.isdigit() for ch in doc[i].text):
            seen.append((doc[i].text, i))
    for text, i in seen[1:]:
        if text != seen[0][0]:
            token = doc[i]
            return (token.idx, token.idx + len(token.text))
    return None
