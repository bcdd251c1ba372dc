"""Concept mentions as plain values, and the vocabulary that says what a mention means.

The lesion builder reads every concept span once, with its context, into a :class:`Mention`, so
that the later steps (placement events, discourse focus, grouping, fills) work on offsets and
strings rather than on spaCy spans. The word lists and value readers that those steps share
(device kinds, quadrants, number words, clock faces, lesion labels) live here, beside the
mention they interpret, so that every other module of the builder can import them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from itertools import pairwise

from spacy.tokens import Doc, Span

from locaudit.models import DEVICE_TYPES
from locaudit.nlp.context import AFFIRMED, ContextResult
from locaudit.nlp.extensions import CONCEPTS_KEY, note_text
from locaudit.nlp.places import CLOCK_FACE, OPPOSITE

LOCALIZING = frozenset({"wire", "radioactive_seed", "magnetic_seed", "radar_reflector", "rfid_tag"})
MARKERS = frozenset({"clip", "coil", "pellet"})
# a localizing device, a seed whose kind the note names later, or an injected marking (carbon,
# ROLL radiotracer: "other", left for review)
PLACEABLE = LOCALIZING | {"seed", "other"}
QUADRANTS = frozenset({"uoq", "uiq", "loq", "liq", "central", "axtail"})  # regions of a breast
DEVICE_ORDER = list(DEVICE_TYPES)  # the contract's order
# A lesion mention followed by a unit is a measure: 'calcifications 1 cm anterior'.
UNITS = frozenset(
    {"cm", "mm", "cms", "centimeters", "millimeters", "centimetres", "millimetres", "o'clock"}
    | {"gauge", "g"}
)
# Determiners that make a device phrase refer back to a device already known ('the wire').
DEFINITE = frozenset(
    {"the", "this", "that", "these", "those", "its", "their", "her", "existing", "same", "both"}
    | {"each"}
)
INDEFINITE = frozenset({"a", "an", "another", "second", "one", "two", "three", "new", "additional"})
# Words of a marker's name that do not tell one clip from another.
_GENERIC_MARKER_WORDS = frozenset(
    {"clip", "clips", "marker", "markers", "biopsy", "shaped", "metallic", "tissue", "marking"}
)
_WORDS = {
    "one": 1,
    "single": 1,
    "same": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "both": 2,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "initial": 1,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
}
_LETTERS = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}
_NUMBER = re.compile(r"[1-6]")
_CLOCK_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


# speech recognition writes the hour as a word it sounds like: 'ate o'clock', 'for o'clock'
_CLOCK_HOMOPHONES = {"ate": "eight", "for": "four", "won": "one", "tin": "ten"}


@dataclass(slots=True)
class Mention:
    """A concept mention with its context, as plain offsets."""

    label: str
    value: str
    rule: str
    start: int  # token offsets
    end: int
    start_char: int
    end_char: int
    text: str
    context: ContextResult
    definite: bool = False  # 'the wire', 'this reflector': refers back to a known device
    kind: str | None = None  # a finding's kind ('mass'), from patterns/finding_kinds.toml

    @property
    def affirmed(self) -> bool:
        """Affirmed and, for a device, not the target another device was aimed at. A placement
        act or a location inside a target phrase ('placed at the 4 o'clock clip') still holds."""
        if self.context.status != "affirmed":
            return False
        return not (self.context.target and self.label == "DEVICE")

    @property
    def span(self) -> tuple[int, int]:
        """Character offsets: what a fact cites as its evidence."""
        return (self.start_char, self.end_char)


# Each sentence of a note with the mentions it holds, in text order.
SentenceMentions = list[tuple[Span, list[Mention]]]


def read_mentions(doc: Doc, kinds: dict[str, str] | None = None) -> list[Mention]:
    """The concept spans of a parsed note, each with its context (affirmed when the context
    component did not run), in text order. A lesion mention that is a measure is dropped.
    ``kinds`` maps finding words to their kind (``rules.load_finding_kinds``)."""
    spans = doc.spans.get(CONCEPTS_KEY, [])
    contexts = doc._.locaudit_context or [AFFIRMED] * len(spans)
    stamps = _timestamps(doc, spans)
    return _contralateral(
        [
            Mention(
                s.label_,
                s.kb_id_,
                s.id_,
                s.start,
                s.end,
                s.start_char,
                s.end_char,
                s.text,
                c,
                definite(doc, s.start),
                _kind(s, kinds),
            )
            for i, (s, c) in enumerate(zip(spans, contexts))
            if not (s.label_ == "LESION" and s.end < len(doc) and doc[s.end].lower_ in UNITS)
            and i not in stamps
        ]
    )  # 'calcifications 1 cm anterior' names no lesion 1; '10:45 pt off table' is a time


def _contralateral(mentions: list[Mention]) -> list[Mention]:
    """'right breast DCIS at 12:00 and a contralateral area of atypia at 4:00': the
    contralateral breast is the other side than the last one said before it (left here); with
    no side said before, it stays 'contralateral', which is no side."""
    last = None
    out = []
    for m in mentions:
        if m.label == "LATERALITY" and m.value in OPPOSITE and m.context.status != "negated":
            last = m.value
        elif m.label == "LATERALITY" and m.value == "contralateral" and last is not None:
            m = dataclasses.replace(m, value=OPPOSITE[last])
        out.append(m)
    return out


def _kind(span: Span, kinds: dict[str, str] | None) -> str | None:
    if not kinds or span.label_ != "BREAST" or span.kb_id_ != "finding":
        return None
    return kinds.get(" ".join(span.text.lower().split()))


def _timestamps(doc: Doc, spans) -> set[int]:
    """In a procedure log ('10:12 time-out. 10:19 Magseed 1 deployed. 10:45 pt off table'),
    the times that open lines are not clock faces. A note is a log when three or more lines
    open with a time and one of them is not on a quarter hour (no clock face is at 10:19)."""
    text = note_text(doc)
    times = _LINE_TIME.findall(text)
    if len(times) < 3 or all(minutes in ("00", "15", "30", "45") for minutes in times):
        return set()
    return {
        i
        for i, s in enumerate(spans)
        if s.label_ == "LOCATION"
        and s.kb_id_ == "clock"
        and not text[text.rfind("\n", 0, s.start_char) + 1 : s.start_char].strip()
    }


_LINE_TIME = re.compile(r"^[ \t]*(?:[01]?\d|2[0-3]):([0-5]\d)\b", re.MULTILINE)


def definite(doc: Doc, start: int) -> bool:
    """Whether the noun phrase ending at a mention opens with a definite determiner."""
    for i in range(start - 1, max(start - 5, 0) - 1, -1):
        word = doc[i].lower_
        if word in DEFINITE:
            return True
        if word in INDEFINITE or (doc[i].is_punct and word not in ("-", "/")):
            return False
    return False


def lesion_number(text: str) -> int | None:
    """'lesion 2' -> 2, 'site B' -> 2, 'second lesion' -> 2, 'target #3' -> 3."""
    words = text.lower()
    for mark in "#._()":
        words = words.replace(mark, " ")
    words = words.split()
    words = [w for w in words if w in _WORDS or w in _LETTERS or _NUMBER.fullmatch(w)] or words
    for word in words:
        if word in _WORDS:
            return _WORDS[word]
    last = words[-1] if words else ""
    if _NUMBER.fullmatch(last):
        return int(last)
    if last in _LETTERS:
        return _LETTERS[last]
    return _WORDS.get(last)


_POSITION_KEYS = {"deeper": "deep", "upper": "superior", "lower": "inferior"}


def position_key(text: str) -> str:
    """'the more anterior site' -> 'anterior', 'deeper cluster' -> 'deep': which way a lesion
    named by its position lies, one key for the words that say the same."""
    words = [w for w in text.lower().split() if w != "more"]
    word = words[0] if words else ""
    return _POSITION_KEYS.get(word, word)


_COUNT_WORDS = re.compile(r"[\s\-]+")


def count_value(text: str) -> int | None:
    """'two lesions' -> 2, 'x2' -> 2, 'both sites' -> 2, 'multiple' -> None; speech
    recognition's 'to' for 'two' inside a phrase ('to separate lesions', 'with to wires'),
    never the lone word before a device ('converted to Magseed')."""
    words = _COUNT_WORDS.split(text.lower())
    for i, word in enumerate(words):
        if word == "to" and i + 1 < len(words):
            return 2
        word = word.lstrip("x")
        if word.isdigit():
            return int(word)
        if word in _WORDS:
            return _WORDS[word]
    return None


_CLOCK_CODE = re.compile(r"\b(0[1-9]|1[0-2])(00|30)\b")


def clock_value(text: str) -> float | None:
    """'10:30' -> 10.5, '2 o'clock' -> 2.0, 'five o'clock' -> 5.0, '12:00' -> 0.0,
    'CLOCK: 1230' -> 0.5."""
    coded = _CLOCK_CODE.search(text)
    if coded:
        return int(coded.group(1)) % 12 + int(coded.group(2)) / 60
    match = CLOCK_FACE.search(text)
    if not match:
        word = text.lower().split()[0] if text.strip() else ""
        word = _CLOCK_HOMOPHONES.get(word, word)
        return float((_CLOCK_WORDS.index(word) + 1) % 12) if word in _CLOCK_WORDS else None
    hour = int(match.group(1)) % 12
    minutes = int(match.group(2) or 0)
    return hour + minutes / 60


def clock_values(found: list[Mention]) -> list[float]:
    """The clock faces one sentence names, in order."""
    values = (clock_value(m.text) for m in found if m.label == "LOCATION" and m.value == "clock")
    return [v for v in values if v is not None]


def finding_kind(m: Mention) -> str | None:
    """The kind of finding a BREAST 'finding' mention names ('the calcs' -> calcifications),
    or None for words that name no kind ('lesion', 'site') and for negated findings."""
    if m.context.status == "negated":
        return None
    return m.kind


def marker_name(m: Mention) -> str | None:
    """'the coil-shaped clip' -> 'coil', 'HydroMARK clip' -> 'hydromark'; None for a plain
    'clip' or a device that is not a marker."""
    if m.label != "DEVICE" or m.value not in MARKERS:
        return None
    words = m.text.lower().replace("-", " ").split()
    named = [w for w in words if w not in _GENERIC_MARKER_WORDS]
    return " ".join(named) or None


def gap(a: Mention, b: Mention) -> int:
    """Tokens between two mentions, 0 when they overlap: which label or clip a place is nearest."""
    if a.start < b.end and b.start < a.end:
        return 0
    return b.start - a.end if b.start >= a.end else a.start - b.end


_CM = re.compile(r"(\d+(?:\.\d+)?)\s*(mm|cm)?", re.IGNORECASE)


def depth_of(m: Mention) -> str | None:
    """'posterior depth' -> 'posterior', 'mid depth' -> 'middle'."""
    words = m.text.lower().replace(".", " ").replace(":", " ").replace("=", " ").split()
    if len(words) == 2 and words[0] == "depth":  # 'DEPTH: P'
        return {"a": "anterior", "m": "middle", "p": "posterior"}.get(words[1])
    for word in words:
        for start, depth in (("ant", "anterior"), ("post", "posterior"), ("mid", "middle")):
            if word.startswith(start):
                return depth
    return None


def nipple_cm(m: Mention) -> float | None:
    """'6 cm FN' -> 6.0, '45 mm from the nipple' -> 4.5."""
    found = _CM.search(m.text)
    if not found:
        return None
    value = float(found.group(1))
    return value / 10 if (found.group(2) or "").lower() == "mm" else value


# the equipment a lesion was placed on ('on the prone table', 'the upright unit'): it serves
# every lesion and, beside a tomosynthesis method, names no method of its own
EQUIPMENT_NOUNS = frozenset({"table", "unit", "couch", "attachment", "system", "device"})


def real_guides(guides: list[Mention]) -> list[Mention]:
    """The guidance mentions of a sentence that name a method other than tomosynthesis. Beside
    a tomosynthesis method ('under 3D guidance on the prone table'), the table or unit it was
    done on is equipment, not a stereotactic method."""
    real = [m for m in guides if m.value != "tomosynthesis"]
    if len(real) < len(guides) and all(m.text.lower().split()[-1] in EQUIPMENT_NOUNS for m in real):
        return []
    if any(m.value == "mri" for m in real):
        # 'MRI (1.5 T), prone breast coil, left breast in the lateral grid': an MRI grid
        real = [m for m in real if m.value != "mammographic"]
    return real


def sides_disagree(found: list[Mention], lowers: list[str]) -> bool:
    """Two different sides with only a slash between ('Breast / Mama: Left / Derecha'): a
    form's two columns that give the lesion two sides."""
    sides = [m for m in found if m.label == "LATERALITY" and m.value in ("left", "right")]
    return any(a.value != b.value and lowers[a.end : b.start] == ["/"] for a, b in pairwise(sides))
