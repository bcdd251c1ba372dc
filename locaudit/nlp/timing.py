"""Placement times and dates of service that do not fit one sitting.

Technologist logs and structured reports stamp each placement ('SCOUT reflector deployed 07:58',
'Tag #2 deployed 13:40') and the visit ('Start 07:40  End 08:20'). Coders treat placements
hours apart, or a placement stamped after the procedure ended, as a session the radiologist
must confirm: the patient may have left and come back. Each time is read next to the
placement act the concept matcher found (``PLACE``), so the verbs stay in
``patterns/concepts.jsonl``.

A placement's own date field ('Date/time: 04/15/2025 09:05', 'Placement time: 03/11/2025')
that is not the day of the others or the date of service puts the sitting in doubt the same
way. An export that joins two signed reports ('PART 1 ... DOS: 03/19/2024 ... PART 2 ... DOS:
03/1█/2024 [smudged]') has two dates of service: unless they are the same date, the lesions of
the two reports are not plainly one session.

Log lines may write times without a colon ('0951 Site 1 ... -> Magseed', '1003 Procedure end'),
a heading may put the time in parentheses ('... right breast, 7:00 (15:40)'), a device may carry
its time ('seed 1340', 'seed at 09:47') and a form its field ('Time placed: 11:05').
A table row that names a placed device and has a time cell ('| 2 | Left | 10:00 | Kopans wire |
08:41 |') is stamped the same way, and so is a placement act with a date of its own beside it
('Magseed placed 10/08 under stereotactic guidance' in a report of 10/14).

A clock face looks like a time ('wire placed at 10:30'): only a time that cannot be a clock
face is read, one with hours past 12 or minutes off the quarter hour ('10:14', '13:35').
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from locaudit.nlp.extensions import note_text
from locaudit.nlp.mentions import Mention

SITTING_MINUTES = 180  # placements further apart than this are not plainly one sitting
LATE_MINUTES = 10  # a placement stamped this long after the recorded end
DAY, HALF_DAY = 24 * 60, 12 * 60  # minutes
_TIME = re.compile(r"^([01]?\d|2[0-3]):?([0-5]\d)$")
_TIME_TOKEN = re.compile(r"\d{1,2}:?\d{2}")
# All read from the note's text with precompiled expressions (a Token per word is the slow
# part of a pipeline component): a time right after a placement act ('deployed 07:58',
# 'placed at 13:35'), a time that opens a line, the recorded end ('End 08:20'), and the dates
# of service ('DOS 03/12/2025', 'Date of service: ...').
# (a log's leader dots too: 'Site 2 SCOUT deployed .. 13:52')
_AFTER_ACT = re.compile(
    r"[ \t]*(?:\.{2,}[ \t]*)?(?:at[ \t]+|@[ \t]*|-[ \t]*)?(\d{1,2}:?\d{2})(?![\d:])"
)
# a device stamped with its time ('I-125 seed (0.197 mCi) at 09:47'): 'at' and a colon required
_AT_AFTER_DEVICE = re.compile(
    r"[ \t]*(?:\([^)\n]{0,30}\)[ \t]*)?(?:(?:at|@)[ \t]*(\d{1,2}:\d{2})|([0-2]\d[0-5]\d))(?![\d:])"
)
# a log line's time, with its own colon or not ('0705: #1 L 1:00 ...', '07:45  Lesion 1 ...')
_LINE_TIME = re.compile(
    r"^[ \t]*(?:\d{1,2}[.)][ \t]+)?[\[(]?(\d{1,2}:\d{2}|[0-2]\d[0-5]\d)(?!\d)(?!:\d)", re.MULTILINE
)  # ('[08:05] Magseed #1 deployed', '4. 14:05 - Prone stereotactic table, ... reflector' too)
# a form's placement-time field ('Time placed: 11:05')
_TIME_FIELD = re.compile(
    # ('Device: LOCalizer tag 7741-0915     Deployed: 11:46' too)
    r"\b(?:time (?:placed|of placement|deployed|of deployment)|deployed|implanted)[ \t]*[:=][ \t]*"
    r"(\d{1,2}:?\d{2})(?![\d:])",
    re.IGNORECASE,
)
_LINE_END = re.compile(  # '1003 Procedure end. Post CC/ML.'
    # (not '09:08 Time-out complete': the time-out, not the procedure, is complete)
    r"^[ \t]*(\d{1,2}:?\d{2})\b[^\n]{0,30}?(?<!time-out )(?<!timeout )(?<!time out )"
    r"(?<!consent )\b(?:end|ended|finished|complete)\b",
    re.MULTILINE | re.IGNORECASE,
)
# a time closing the clause of the device before it ('..., tip at the ribbon clip, 07:21.')
_CLAUSE_TIME = re.compile(r"[^.;\n]{0,60}?,[ \t]*(\d{1,2}:\d{2})[ \t]*(?=[.;]|$)", re.MULTILINE)
_PAREN_TIME = re.compile(r"\((\d{1,2}:\d{2})\)")  # 'localization right breast, 7:00 (15:40)'
_END_TIME = re.compile(
    r"\b(?:end|ended|finish|finished)\b[ \t]*(?:time)?[ \t]*[:=@-]?[ \t]*(\d{1,2}:?\d{2})(?![\d:])",
    re.IGNORECASE,
)
# a procedure's time range: 'Procedure time: 10:05 - 10:41', 'Time: 0905-0951' (the end)
_RANGE_END = re.compile(
    r"\b(?:procedure|exam|case)?[ \t]*times?[ \t]*[:=][ \t]*\d{1,2}:?\d{2}[ \t]*"
    r"(?:-|\u2013|to)[ \t]*(\d{1,2}:?\d{2})(?![\d:])",
    re.IGNORECASE,
)
_PLACEMENT_DATE = re.compile(
    r"\b(?:date/time|date and time|placement (?:date|time)|date placed|time placed)\b"
    r"[ \t]*[:=]?[ \t]*(\d{1,2}/\d{1,2}/\d{2,4})",
    re.IGNORECASE,
)
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
_TIME_CELL = re.compile(r"\|[ \t]*(\d{1,2}:\d{2})[ \t]*(?=\|)")
# a date at a placement act: 'placed 10/08', 'placed on 10/08/2025', '- 05/18/2026: Magseed
# placed' (the date, a colon or dash, and at most three words before the act)
_DATE_TEXT = r"(?P<date>(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/\d{2,4})?)(?![\d/])"
_DATE_AFTER_ACT = re.compile(r"[ \t]+(?:on[ \t]+)?" + _DATE_TEXT)
_DATE_BEFORE_ACT = re.compile(
    r"(?<![\d/])" + _DATE_TEXT + r"[ \t]*[:\-][ \t]*(?:[\w-]+[ \t]+){0,3}$"
)
_REPORT_DATE = re.compile(
    r"^[^\n\d]{0,30}\b(?:date|fecha|date of exam|exam date)\b[^\n\d]{0,12}"
    r"(\d{1,2}/\d{1,2}/\d{2,4})",
    re.IGNORECASE | re.MULTILINE,
)
_LINE_DATE = re.compile(r"[ \t]*(?:\d{1,2}[.)][ \t]+)?" + _DATE_TEXT + r"[ \t]+\d{1,2}:?\d{2}\b")
_DATE_ENDS_LINE = re.compile(r"[.;,][ \t]*" + _DATE_TEXT + r"\.?[ \t]*$", re.MULTILINE)
DATE_REACH = 40  # characters at most between such a date and the act after it
_SERVICE_DATE = re.compile(
    r"\b(?:dos|date of service|date of (?:exam|examination|procedure)|exam date|procedure date"
    r"|report dated(?:[ \t]+[a-z]+day)?)\b[ \t]*[:=-]?[ \t]*(\S*\d\S*)",
    re.IGNORECASE,
)


def _minutes(text: str, strict: bool = True) -> int | None:
    """'07:58' -> 478; '1340' -> 820. With ``strict``, not what could be a clock face (a
    leading zero, '09:30', is no clock face)."""
    match = _TIME.match(text)
    if match is None or (":" not in text and len(text) != 4):
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if strict and hours <= 12 and minutes in (0, 15, 30, 45) and not text.startswith("0"):
        return None
    return hours * 60 + minutes


def _line_stamps(text: str, acts: list[Mention]) -> list[tuple[int, int]]:
    """Times that open a line with a placement in it ('07:45  Lesion 1, right 3:00: ... seed
    deployed'), read as times whatever their minutes: a log line opens with its time."""
    stamps: list[tuple[int, int]] = []
    for match in _LINE_TIME.finditer(text):
        value = _minutes(match.group(1), strict=False)
        if value is None:
            continue
        _, end = _line_around(text, match.start(), match.end())
        if any(match.end() <= m.start_char < end for m in acts):
            stamps.append((value, match.start(1)))
    # lines may open with clock faces instead ('1:00 calcifications: ... 6:00 mass: ...'):
    # they are times only if one of them cannot be a clock face
    if all(_minutes(_token_at(text, at)) is None for _, at in stamps):
        return []
    return stamps


def _device_stamps(text: str, devices: list[Mention]) -> list[tuple[int, int]]:
    """Times written right after a device ('I-125 seed (0.197 mCi) at 09:47', '12:00 seed
    1340'); a four-digit time there is no clock face."""
    stamps: list[tuple[int, int]] = []
    for m in devices:
        match = _AT_AFTER_DEVICE.match(text, m.end_char)
        if match is not None:
            group = 1 if match.group(1) else 2
            value = _minutes(match.group(group), strict=group == 1)
            if value is not None:
                stamps.append((value, match.start(group)))
    return stamps


def _clause_stamps(text: str, devices: list[Mention]) -> list[tuple[int, int]]:
    """A time closing a device's clause ('9 cm hookwire, tip at the ribbon clip, 07:21.'):
    after a comma, before the clause ends, and written as no clock face is (read strictly)."""
    stamps: list[tuple[int, int]] = []
    for m in devices:
        match = _CLAUSE_TIME.match(text, m.end_char)
        value = _minutes(match.group(1)) if match is not None else None
        if value is not None:
            stamps.append((value, match.start(1)))
    return stamps


def _field_stamps(text: str) -> list[tuple[int, int]]:
    """A form's placement-time fields ('Time placed: 11:05')."""
    stamps: list[tuple[int, int]] = []
    for match in _TIME_FIELD.finditer(text):
        value = _minutes(match.group(1), strict=False)
        if value is not None:
            stamps.append((value, match.start(1)))
    return stamps


def _row_stamps(text: str, devices: list[Mention]) -> list[tuple[int, int]]:
    """Times in a table row that names a placed device ('| 2 | Left | 10:00 | ... | Kopans
    wire | 08:41 |'), read strictly (the row's clock face is no time)."""
    stamps: list[tuple[int, int]] = []
    for row in _TABLE_ROW.finditer(text):
        if not any(row.start() <= m.start_char < row.end() for m in devices):
            continue
        for cell in _TIME_CELL.finditer(text, row.start(), row.end()):
            value = _minutes(cell.group(1))
            if value is not None:
                stamps.append((value, cell.start(1)))
    return stamps


def _paren_stamps(text: str, acts: list[Mention]) -> list[tuple[int, int]]:
    """Times in parentheses on a line with a placement act ('Stereotactic wire localization
    right breast, 7:00 (15:40)'), read strictly (a clock face in parentheses is no time)."""
    stamps: list[tuple[int, int]] = []
    for match in _PAREN_TIME.finditer(text):
        start, end = _line_around(text, match.start(), match.end())
        value = _minutes(match.group(1))
        if value is not None and any(start <= m.start_char < end for m in acts):
            stamps.append((value, match.start(1)))
    return stamps


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The character bounds of the line holding text[start:end]."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def _token_at(text: str, at: int) -> str:
    match = _TIME_TOKEN.match(text, at)
    return match.group(0) if match else ""


def _past_midnight(stamps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Times in the order written; one far earlier than the time before it is past midnight
    ('23:58 - Site A ... 00:09 - Site B': eleven minutes, not a day)."""
    out: list[tuple[int, int]] = []
    for value, at in stamps:
        if out and value < out[-1][0] - HALF_DAY:
            value += DAY
        out.append((value, at))
    return out


def doubtful_times(doc: Doc, mentions: list[Mention]) -> tuple[int, int] | None:
    """The span (characters) of a placement time that puts the sitting in doubt, if any."""
    acts = [m for m in mentions if m.label == "PLACE" and m.affirmed]
    devices = [m for m in mentions if m.label == "DEVICE" and m.affirmed]
    if not acts and not devices:
        return None
    text = note_text(doc)
    stamped: list[tuple[int, int]] = []
    for m in acts:
        match = _AFTER_ACT.match(text, m.end_char)
        if match is not None:
            value = _minutes(match.group(1))
            if value is not None:
                stamped.append((value, match.start(1)))
    stamped += _device_stamps(text, devices)
    stamped += _clause_stamps(text, devices)
    stamped += _field_stamps(text)
    stamped += _line_stamps(text, acts + devices)
    stamped += _row_stamps(text, devices)
    stamped += _paren_stamps(text, acts)
    if not stamped:
        return None
    stamped = _past_midnight(sorted(stamped, key=lambda stamp: stamp[1]))
    ends = [_minutes(m.group(1), strict=False) for m in _END_TIME.finditer(text)]
    ends += [_minutes(m.group(1), strict=False) for m in _LINE_END.finditer(text)]
    ends += [_minutes(m.group(1), strict=False) for m in _RANGE_END.finditer(text)]
    end = next((v for v in reversed(ends) if v is not None), None)
    first, last = min(stamped), max(stamped)
    if end is not None and end < first[0] - HALF_DAY:
        end += DAY  # 'End 03/09/2026 00:19' after a start at 23:41
    late = end is not None and last[0] > end + LATE_MINUTES
    if late or (len(stamped) >= 2 and last[0] - first[0] > SITTING_MINUTES):
        return (last[1], last[1] + len(_token_at(text, last[1])))
    return None


def _service_days(text: str) -> list[tuple[tuple[int, int, int] | str, int, int]]:
    """The dates of service, each as its day ('04/14/2025' and '4/14/25' are one day; what
    does not read as a date, '03/1█/2024', stays as written) and its span."""
    out: list[tuple[tuple[int, int, int] | str, int, int]] = []
    for match in _SERVICE_DATE.finditer(text):
        value = match.group(1).rstrip(".,;:)]")
        out.append((_day(value) or value, match.start(1), match.start(1) + len(value)))
    return out


def other_service_date(doc: Doc) -> tuple[int, int] | None:
    """The span of a second date of service that differs from the first, if any."""
    seen = _service_days(note_text(doc))
    for day, start, end in seen[1:]:
        if day != seen[0][0]:
            return (start, end)
    return None


def _day(text: str) -> tuple[int, int, int] | None:
    """'04/14/2025' and '4/14/25' -> (4, 14, 25): one day written two ways."""
    parts = text.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    month, day, year = (int(p) for p in parts)
    return (month, day, year % 100)


# a log table's header naming when each device went in ('Seed | Lot | Deployed | Site')
_WHEN_HEADER = re.compile(
    r"^[^\n]*\|[^\n]*\b(?:deployed|placed|implanted|inserted|date)\b[^\n]*\|[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_ROW_DATE = re.compile(r"(?<![\d/])(\d{1,2}/\d{1,2}/\d{2,4})(?![\d/])")


def _row_days(text: str) -> tuple[int, int] | None:
    """Rows of a placement log table ('1 | IS-2291 | 07/08/2025 09:14 | L 12:00' and '2 |
    IS-2291 | 08/07/2025 09:37 | L 4:00') that give two different days: the span of the
    first date unlike the first row's."""
    for header in _WHEN_HEADER.finditer(text):
        days: list[tuple[tuple[int, int, int], int, int]] = []
        start = header.end() + 1
        while start < len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            if text.count("|", start, end) < 2:
                break
            found = _ROW_DATE.search(text, start, end)
            day = _day(found.group(1)) if found else None
            if found and day is not None:
                days.append((day, found.start(1), found.end(1)))
            start = end + 1
        for day, begin, stop in days[1:]:
            if day != days[0][0]:
                return (begin, stop)
    return None


# a report header's accession number ('ACC 551902   DOS 02/06/2025', 'Accession #: 25-ST-1')
_ACCESSION = re.compile(
    r"^[^\n]{0,40}?\bacc(?:ession)?(?:[ \t]*(?:no\.?|#|number))?[ \t]*[:#]?[ \t]*"
    r"([A-Z0-9][A-Z0-9-]{4,})",
    re.IGNORECASE | re.MULTILINE,
)


def separate_accessions(doc: Doc) -> tuple[int, int] | None:
    """Two reports under their own accession numbers pasted in one text ('ACC 551902 ...
    STEREO LOC LEFT #1' and 'ACC 551917 ... #2'): with no time or word tying them to one
    sitting, the session is open. The span of the second accession, if any (one per line:
    'Acc: MG26-108509/108510' is one report's)."""
    seen: set[str] = set()
    for match in _ACCESSION.finditer(note_text(doc)):
        value = match.group(1).upper()
        if any(ch.isdigit() for ch in value):
            seen.add(value)
            if len(seen) >= 2:
                return (match.start(1), match.end(1))
    return None


def other_placement_day(doc: Doc) -> tuple[int, int] | None:
    """A placement's own date field that is not the day of the others, or not the date of
    service ('Lesion 1 ... Date/time: 04/14/2025 14:40 ... Lesion 2 ... Date/time: 04/15/2025
    09:05'), or a log table's rows on two days: the span of that date, if any."""
    text = note_text(doc)
    rows = _row_days(text)
    if rows is not None:
        return rows
    placed = [(_day(m.group(1)), m.start(1), m.end(1)) for m in _PLACEMENT_DATE.finditer(text)]
    placed = [p for p in placed if p[0] is not None]
    if not placed:
        return None
    service = [day for day, _, _ in _service_days(text) if isinstance(day, tuple)]
    first = service[0] if service else placed[0][0]
    for day, start, end in placed:
        if day != first:
            return (start, end)
    return None


def dated_placement(doc: Doc, acts: list[Mention]) -> tuple[int, int] | None:
    """A date written at a placement act that is not the date of service ('Magseed placed
    10/08 under stereotactic guidance' or 'Lesion 2 - right 6:00 - 05/18/2026: Magseed placed'
    in a report of another day): the span of that date, if any. ``acts`` are the body's
    affirmed placement acts; a date further away dates something else (a biopsy, a copy)."""
    text = note_text(doc)
    service = next((day for day, _, _ in _service_days(text) if isinstance(day, tuple)), None)
    if service is None:  # the report's own date line ('Fecha / Date: 02/03/2025') is its day
        dated = _REPORT_DATE.search(text)
        service = _day(dated.group(1)) if dated else None
    if service is None:
        return None
    month, day, _year = service
    for act in acts:
        # a log line opening with its own date ('3. 03/10/2026 08:58 - Lesion 2 ... Magseed
        # deployed') dates the placement on it
        start, end = _line_around(text, act.start_char, act.end_char)
        logged = _LINE_DATE.match(text, start)
        if logged is not None and (int(logged.group("m")), int(logged.group("d"))) != (
            month,
            day,
        ):
            return (logged.start("m"), logged.end("date"))
        # '  Lesion 2 - Left 4:00: SCOUT reflector deployed 2 mm from coil clip. 04/17/2025.':
        # a date standing alone at the end of the act's line dates it
        ends = _DATE_ENDS_LINE.search(text, act.end_char, end)
        if ends is not None and (int(ends.group("m")), int(ends.group("d"))) != (month, day):
            return (ends.start("m"), ends.end("date"))
        after = _DATE_AFTER_ACT.match(text, act.end_char)
        before = _DATE_BEFORE_ACT.search(text, max(0, act.start_char - DATE_REACH), act.start_char)
        for match in (after, before):
            if match is None:
                continue
            if (int(match.group("m")), int(match.group("d"))) != (month, day):
                return (match.start("m"), match.end("date"))
    return None
