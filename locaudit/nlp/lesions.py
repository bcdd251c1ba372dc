"""From mentions to distinct lesions: placement events, discourse focus, grouping.

Reads the concept mentions, their context and the sections; writes ``doc._.locaudit_facts``
(:class:`locaudit.facts.NoteFacts`).

1. **Placement events.** A device mention is placed *now* when it is affirmed (not negated,
   historical, hypothetical, nor the target of another device), sits in a section that can
   report today's procedure (not history, comparison or plan), is not in a non-breast or
   intraoperative sentence, and shares its sentence with an affirmed placement act. A
   localization act with no device named ('lesion 2 was localized') is an event too.
2. **Attributes** of an event come from the nearest mention in its sentence (lesion label,
   laterality, clock face, guidance), else from the *focus*: what the last sentences of the same
   section said ('Lesion 2: left breast, 10:00.' followed by 'A wire was advanced...').
3. **Grouping.** Events with the same label are one lesion; unlabeled events join a compatible
   lesion (no conflicting side, clock or quadrant); 'bracketing' joins the current lesion whatever
   the clock says. Title, findings (post-procedure imaging) and impression restate lesions: they
   only fill gaps, and add a lesion only when the body of the note documented none. An
   addendum corrects the lesion it names instead of adding one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc, Span

from locaudit.facts import LesionFact, NoteFacts
from locaudit.models import DEVICE_TYPES
from locaudit.nlp.context import AFFIRMED, ContextResult
from locaudit.nlp.extensions import CONCEPTS_KEY, register_extensions
from locaudit.nlp.sections import section_at

EXCLUDED_SECTIONS = frozenset({"history", "comparison", "plan", "consult"})
WEAK_SECTIONS = frozenset({"title", "impression", "findings", "summary"})
BODY_SECTIONS = frozenset({"procedure", "technique", "other", "addendum"})
LOCALIZING = frozenset({"wire", "radioactive_seed", "magnetic_seed", "radar_reflector", "rfid_tag"})
MARKERS = frozenset({"clip", "coil", "pellet", "other"})
# Between a placement act and a device, these start another clause: in 'a needle was advanced
# but the second wire could not be passed' the wire is not the object of 'advanced'.
CLAUSE_BREAKS = frozenset({";", "but", "however", "although", "though", "whereas"})
STEP_OPENERS = frozenset({"a", "an", "another", "the", "we", "i", "she", "he", "\n", "our"})
SEQUENCE_WORDS = frozenset({"subsequently", "afterwards", "afterward", "thereafter"})
UNITS = frozenset({"cm", "mm", "cms", "centimeters", "millimeters", "o'clock", "gauge", "g"})
SURGICAL_HEAD = 400  # a specimen or operative report says so in its first lines
OWN_ACTS = frozenset(
    {"placed", "deployed", "inserted", "sited", "positioned", "advanced", "released"}
)
DAY_WORDS = ("today", "this morning", "this afternoon", "current")
QUADRANTS = frozenset({"uoq", "uiq", "loq", "liq", "central", "axtail"})  # regions of a breast
CARRIED = frozenset({"guidance", "tomo"})  # the equipment stays when the next lesion starts
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
_CLOCK = re.compile(r"(1[0-2]|0?[1-9])(?::([0-5][0-9]))?")
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

    @property
    def affirmed(self) -> bool:
        """Affirmed and, for a device, not the target another device was aimed at. A placement
        act or a location inside a target phrase ('placed at the 4 o'clock clip') still holds."""
        if self.context.status != "affirmed":
            return False
        return not (self.context.target and self.label == "DEVICE")

    @property
    def span(self) -> tuple[int, int]:
        return (self.start_char, self.end_char)


@dataclass(slots=True)
class Event:
    """One placement (or localization act) found in one sentence."""

    device: str | None
    anchor: int  # token offset used for nearest-mention attribution
    sentence: tuple[int, int]
    section: str
    label: int | None = None
    label_from_focus: bool = False
    laterality: str | None = None
    laterality_span: tuple[int, int] | None = None
    clock: float | None = None
    quadrant: str | None = None
    location: list[Mention] = field(default_factory=list)
    guidance: str | None = None
    guidance_span: tuple[int, int] | None = None
    tomo: bool = False
    bracket: bool = False
    biopsy: tuple[int, int] | None = None
    intraop: bool = False
    device_ordinal: int | None = None
    another: bool = False  # 'a second wire', 'another seed': one more device of its kind
    marker: str | None = None  # the biopsy clip it was aimed at ('coil', 'barbell')
    own_place: bool = False  # the clock face is in the event's own sentence, not the focus
    correction: bool = False


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


def count_value(text: str) -> int | None:
    """'two lesions' -> 2, 'x2' -> 2, 'both sites' -> 2, 'multiple' -> None."""
    for word in re.split(r"[\s\-]+", text.lower()):
        word = word.lstrip("x")
        if word.isdigit():
            return int(word)
        if word in _WORDS:
            return _WORDS[word]
    return None


def clock_value(text: str) -> float | None:
    """'10:30' -> 10.5, '2 o'clock' -> 2.0, 'five o'clock' -> 5.0, '12:00' -> 0.0."""
    match = _CLOCK.search(text)
    if not match:
        word = text.lower().split()[0] if text.strip() else ""
        return float((_CLOCK_WORDS.index(word) + 1) % 12) if word in _CLOCK_WORDS else None
    hour = int(match.group(1)) % 12
    minutes = int(match.group(2) or 0)
    return hour + minutes / 60


def clock_distance(a: float, b: float) -> float:
    d = abs(a - b) % 12
    return min(d, 12 - d)


class LesionBuilder:
    """Pipeline component: placement events grouped into distinct lesions."""

    def __init__(self, clock_tolerance: float = 1.0, focus_sentences: int = 6) -> None:
        register_extensions()
        self.clock_tolerance = clock_tolerance
        self.focus_sentences = focus_sentences

    # ------------------------------------------------------------------ mentions
    def _mentions(self, doc: Doc) -> list[Mention]:
        spans = doc.spans.get(CONCEPTS_KEY, [])
        contexts = doc._.locaudit_context or [AFFIRMED] * len(spans)
        return [
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
                _definite(doc, s.start),
            )
            for s, c in zip(spans, contexts)
            if not (s.label_ == "LESION" and s.end < len(doc) and doc[s.end].lower_ in UNITS)
        ]  # 'calcifications 1 cm anterior' names no lesion 1

    def __call__(self, doc: Doc) -> Doc:
        doc._.locaudit_facts = self.extract(doc)
        return doc

    # ------------------------------------------------------------------ extraction
    def extract(self, doc: Doc) -> NoteFacts:
        facts = NoteFacts()
        mentions = self._mentions(doc)
        if not mentions:
            return facts
        sections = doc._.locaudit_sections or [(0, len(doc.text), "other")]
        facts.breast_note = self._breast_note(mentions, sections)
        by_sentence: list[tuple[Span, list[Mention]]] = []
        index = 0
        for sent in doc.sents:
            bucket = []
            while index < len(mentions) and mentions[index].start < sent.end:
                bucket.append(mentions[index])
                index += 1
            by_sentence.append((sent, bucket))
        seed_kind = self._seed_kind(mentions)
        default_side = self._default_laterality(by_sentence, sections)
        default_guidance = self._default_guidance(mentions, sections)
        events: list[Event] = []
        focus: dict = {}
        focus_section = None
        focus_age = 0
        labels_seen = 0
        recent_biopsy: list[tuple[int, tuple[int, int]]] = []  # (sentence no, span)
        amendments: list[tuple[int, Mention]] = []  # (lesion label, corrected side or guidance)
        # A consult or H&P (review of systems, physical exam...) narrates history and plans:
        # its unheaded paragraphs are history too, only a procedure header reports today.
        consult = any(name == "consult" for _, _, name in sections)
        for number, (sent, found) in enumerate(by_sentence):
            if not found:
                continue
            section = section_at(sections, sent.start_char)
            if consult and section == "other":
                section = "history"
            sent_span = _trim(doc, sent)
            self._session_facts(facts, found, sent_span, section)
            if section in EXCLUDED_SECTIONS:
                continue
            if section != focus_section or focus_age > self.focus_sentences:
                focus, focus_section = {}, section
            focus_age += 1
            acts = any(m.label == "PLACE" and m.affirmed for m in found)
            labels = [
                m
                for m in found
                if m.label == "LESION"
                and m.context.status != "negated"
                and (m.value != "next" or acts)  # 'a separate lesion' names one only when placed
            ]
            for ref in labels:
                value = lesion_number(ref.text) if ref.value != "next" else None
                if value is None:
                    value = max(labels_seen, len({e.label for e in events if e.label})) + 1
                labels_seen = max(labels_seen, value)
                ref.value = str(value)
            if labels and focus.get("label") != int(labels[-1].value):
                focus = {k: v for k, v in focus.items() if k in CARRIED}
                focus.update(label=int(labels[-1].value), inherited=True)
            if any(m.label in ("LESION", "LOCATION", "LATERALITY") for m in found):
                focus_age = 0  # the focus is as old as the last sentence that said where
            self._update_focus(focus, found)
            biopsies = [m for m in found if m.label == "BIOPSY" and m.affirmed]
            if biopsies:
                recent_biopsy.append((number, biopsies[0].span))
            nonbreast = any(m.label == "NONBREAST" for m in found) and not any(
                m.label == "BREAST" for m in found
            )
            breaks = [t.i for t in sent if t.lower_ in CLAUSE_BREAKS]
            where = "summary" if _summary(found) and section not in WEAK_SECTIONS else section
            new = self._events(doc, found, sent_span, where, focus, seed_kind, breaks, labels_seen)
            if _elsewhere(found):
                focus = {}  # 'Lesion B: reflector placed on 02/11': later lines are not about B
            if section == "addendum":
                amendments.extend(_amendments(found))
            if nonbreast:
                if new:
                    facts.nonbreast_devices.append(sent_span)
                continue
            for event in new:
                if event.device in MARKERS:
                    near = [span for n, span in recent_biopsy if number - n <= 2]
                    event.biopsy = near[-1] if near else None
            facts.intraoperative.extend(e.sentence for e in new if e.intraop)
            events.extend(new)
        surgical = any(name == "surgical" and start < SURGICAL_HEAD for start, _, name in sections)
        if facts.breast_note and not surgical:  # not another organ's, nor a surgeon's report
            facts.lesions = self._group(events, default_side, default_guidance)
            if _single_stated(by_sentence) and _alike(facts.lesions):
                facts.lesions = _merged(facts.lesions)
            self._place_labelled(facts.lesions, by_sentence)
            _amend(facts.lesions, amendments)
            self._side_by_clock(facts.lesions, by_sentence)
            _place_by_marker(facts.lesions, by_sentence)
        return facts

    def _side_by_clock(self, lesions: list[LesionFact], by_sentence) -> None:
        """A lesion known by its clock face takes the side the note gives that clock face
        anywhere ('s/p RT bx x2 (RT UOQ 11:00 IDC; RT LIQ 4:00 DCIS)'), when only one side is."""
        wanted = [les for les in lesions if les.laterality is None and les.clock is not None]
        for lesion in wanted:
            sides: dict[str, tuple[int, int]] = {}
            for _sent, found in by_sentence:
                for m in found:
                    if m.label != "LOCATION" or m.value != "clock":
                        continue
                    value = clock_value(m.text)
                    if value is None or clock_distance(value, lesion.clock) >= 0.5:
                        continue
                    clocks = [c for c in found if c.label == "LOCATION" and c.value == "clock"]
                    for side in found:
                        if (
                            side.label == "LATERALITY"
                            and side.value in ("left", "right")
                            and side.context.status != "negated"
                            and abs(side.start - m.start) <= 4
                            # the side belongs to the clock face nearest to it
                            and min(clocks, key=lambda c: abs(c.start - side.start)) is m
                        ):
                            sides.setdefault(side.value, side.span)
            if len(sides) == 1:
                ((lesion.laterality, span),) = sides.items()
                lesion.laterality_evidence.append(span)

    def _place_labelled(self, lesions: list[LesionFact], by_sentence) -> None:
        """A lesion known by its label ('Target B') is placed where the note, in any section,
        put that label ('Indication: ... Target B, 3 o'clock')."""
        wanted = {les.label: les for les in lesions if les.label is not None and les.clock is None}
        wanted = {k: v for k, v in wanted.items() if v.quadrant is None and v.location is None}
        if not wanted:
            return
        for _sent, found in by_sentence:
            labels = [
                (m, lesion_number(m.text))
                for m in found
                if m.label == "LESION" and m.value != "next"
            ]
            if not labels:
                continue
            for m in found:
                if m.label != "LOCATION":
                    continue
                # each place goes to the label nearest to it ('the 2:00 lesion (lesion 1)',
                # 'Lesion 2: 11:00')
                _ref, number = min(labels, key=lambda item: _gap(item[0], m))
                current = wanted.get(number) if number is not None else None
                if current is not None:
                    if m.value == "clock" and current.clock is None:
                        current.clock = clock_value(m.text)
                    elif m.value in QUADRANTS and current.quadrant is None:
                        current.quadrant = m.value
                    if current.location is None:
                        current.location, current.location_span = m.text, m.span

    def _breast_note(self, mentions: list[Mention], sections) -> bool:
        """Is this note about the breast today? Not when its title names another body part
        ('CT guided hookwire localization of lung nodules'), nor when the breast appears only in
        the history ('history of right breast cancer'). A clock-face location or a breast-only
        device (seed, reflector, tag) is breast enough for terse notes."""
        first = mentions[0].start_char
        head = [m for m in mentions if m.start_char < first + 200]
        if any(m.label == "NONBREAST" for m in head[:12]) and not any(
            m.label == "BREAST" and m.value != "finding" for m in head[:12]
        ):
            return False
        for m in mentions:
            if m.context.status in ("negated", "historical"):
                continue
            if section_at(sections, m.start_char) in EXCLUDED_SECTIONS:
                continue
            if m.label == "BREAST" and m.value != "finding":
                return True
            if m.label == "LOCATION" and m.value == "clock":
                return True
            if m.label == "DEVICE" and m.value in LOCALIZING - {"wire"}:
                return True
        return False

    def _seed_kind(self, mentions: list[Mention]) -> str:
        if any(m.label == "DEVICE" and m.value == "magnetic_seed" for m in mentions):
            return "magnetic_seed"
        return "radioactive_seed"

    def _default_laterality(self, by_sentence, sections) -> str | None:
        """The side stated for the whole note (title, 'the left breast was prepped'...).

        Mentions in a sentence that names a lesion or a clock/quadrant belong to that lesion,
        not to the note, so a second lesion without a side is not given the first one's.
        """
        sides = set()
        for sent, found in by_sentence:
            section = section_at(sections, sent.start_char)
            if section in EXCLUDED_SECTIONS:
                continue
            if section != "title" and any(m.label in ("LESION", "LOCATION") for m in found):
                continue
            sides.update(
                m.value
                for m in found
                if m.label == "LATERALITY"
                and m.context.status not in ("negated", "historical", "hypothetical")
            )
        return next(iter(sides)) if len(sides) == 1 and sides <= {"left", "right"} else None

    def _default_guidance(self, mentions: list[Mention], sections) -> tuple | None:
        """The one modality the note's body names (stereo wins over tomosynthesis), if one."""
        found: dict[str, tuple[int, int]] = {}
        for m in mentions:
            if (
                m.label == "GUIDANCE"
                and m.affirmed
                and (section_at(sections, m.start_char) not in EXCLUDED_SECTIONS)
            ):
                found.setdefault(m.value, m.span)
        kinds = set(found) - {"tomosynthesis"}
        if len(kinds) == 1:
            kind = kinds.pop()
            return (kind, found[kind])
        return None

    def _update_focus(self, focus: dict, found: list[Mention]) -> None:
        """What the last sentences said about the lesion being worked on. A clock face far
        from the focus's opens another lesion: its side and place are not carried over."""
        clocks = [
            clock_value(m.text) for m in found if m.label == "LOCATION" and m.value == "clock"
        ]
        old = focus.get("clock")
        first = clocks[0] if clocks else None
        if (
            first is not None
            and old is not None
            and clock_distance(first, old) > self.clock_tolerance
        ):
            kept = {k: v for k, v in focus.items() if k in CARRIED}
            focus.clear()
            focus.update(kept, inherited=True)
        places = [m for m in found if m.label == "LOCATION"]
        if places:
            focus["location"] = places
            # a sentence that lists lesions ('calcifications in the UOQ and a separate mass
            # at 6 o'clock') points at none of them: the next placement must say which
            quadrants = {m.value for m in found if m.label == "LOCATION" and m.value in QUADRANTS}
            sides = {m.value for m in found if m.label == "LATERALITY"}
            focus["several"] = (
                len({v for v in clocks if v is not None}) >= 2
                or len(quadrants - {"central"}) >= 2
                or any(m.label == "LESION" and m.value == "next" for m in found)
                or any(
                    not _quadrant_has(q, c, sides)
                    for q in quadrants
                    for c in clocks
                    if c is not None
                )
            )
        for m in found:
            if (
                m.label == "LATERALITY"
                and m.value in ("left", "right")
                and m.context.status != "negated"
            ):
                focus["laterality"] = (m.value, m.span)
            elif m.label == "LOCATION" and m.value == "clock":
                focus["clock"] = clock_value(m.text)
            elif m.label == "LOCATION" and m.value in QUADRANTS:
                focus["quadrant"] = m.value
        # the latest guidance said wins: 'Targeted by tomosynthesis alone' after the first
        # lesion's stereo pair; within one sentence a real modality beats tomosynthesis
        guides = [m for m in found if m.label == "GUIDANCE" and m.affirmed]
        real = [m for m in guides if m.value != "tomosynthesis"]
        if real:
            focus["guidance"] = (real[-1].value, real[-1].span)
            focus.pop("tomo", None)
            focus.pop("inherited", None)
        elif guides:
            focus["tomo"] = True  # with this lesion's own stereo pair it is still stereotactic
            if focus.pop("inherited", False):
                focus.pop("guidance", None)

    def _session_facts(self, facts: NoteFacts, found: list[Mention], span, section: str) -> None:
        if any(
            m.label == "SESSION"
            and m.value == "same"
            and m.affirmed
            and not m.text.lower().startswith(
                ("today", "this morning", "this afternoon", "current")
            )
            for m in found
        ):  # 'same sitting', 'one session' tie lesions together; 'today' alone does not
            facts.same_session_statements.append(span)
        places = [m for m in found if m.label == "PLACE"]
        devices = [m for m in found if m.label == "DEVICE"]
        if not places and not devices:
            return
        statuses = {m.context.status for m in places + devices}
        has_place = bool(places) or any(d.value == "wire" for d in devices)
        localizing = any(d.value in LOCALIZING | {"seed"} for d in devices) or any(
            p.value == "localization" for p in places
        )
        other = any(m.label == "SESSION" and m.value == "other" for m in found)
        if any(m.label == "SESSION" and m.value == "unclear" for m in found) and localizing:
            # 'Magseed at the seven o'clock lesion; date of placement to be clarified'
            facts.other_session.append(span)
            facts.other_session_clocks.extend(
                v
                for m in found
                if m.label == "LOCATION" and m.value == "clock"
                for v in [clock_value(m.text)]
                if v is not None
            )
        if other and localizing and statuses & {"historical", "hypothetical"}:
            facts.other_session.append(span)
            # a wire or seed placed on another day (not a biopsy clip, not a plan)
            placed_before = any(d.value in LOCALIZING | {"seed"} for d in devices) and any(
                m.context.status == "historical" for m in places + devices
            )
            facts.other_session_clocks.extend(
                v
                for m in found
                if placed_before and m.label == "LOCATION" and m.value == "clock"
                for v in [clock_value(m.text)]
                if v is not None
            )
        if section in ("history", "comparison"):
            return
        if has_place and "negated" in statuses:
            facts.negated_placements.append(span)
        elif has_place and "hypothetical" in statuses and localizing:
            facts.planned_placements.append(span)
        for m in found:
            if (
                m.label == "COUNT"
                and m.affirmed
                and any(p.affirmed for p in places)
                and not any(0 <= m.start - d.end <= 1 for d in devices)  # 'wires x2' counts wires
            ):
                value = count_value(m.text)
                if value and value >= (facts.stated_count or 0):
                    facts.stated_count, facts.stated_count_span = value, m.span

    # ------------------------------------------------------------------ events
    def _events(
        self, doc, found, sent_span, section, focus, seed_kind, breaks, labels_seen=0
    ) -> list[Event]:
        if _elsewhere(found):
            return []  # 'localized yesterday with a SCOUT reflector': another session
        all_devices = [m for m in found if m.label == "DEVICE"]
        acts = [
            m for m in found if m.label == "PLACE" and not any(_inside(m, d) for d in all_devices)
        ]  # 'localization devices', 'localization needle' name a thing, not an act
        places = [m for m in acts if m.affirmed and not _captured(m, all_devices)]
        devices = [m for m in all_devices if m.affirmed]
        localizing = [d for d in devices if d.value in LOCALIZING or d.value == "seed"]
        if acts and not places:
            return []  # every placement act here is negated, planned, past or of another device
        if not places:
            # Terse procedure lines name the device without a verb ('HOOKWIRE THROUGH THE
            # BARBELL CLIP, STEREO PAIR'): a new localizing device (not 'the wire', which
            # refers back) in the body of the note counts when the line says how or where.
            how = any(
                m.label in ("GUIDANCE", "LESION", "COUNT")
                or (m.label == "LOCATION" and m.value == "clock")
                for m in found
            ) or ("label" in focus or "clock" in focus)  # 'Site 2: 4:00 ... Reflector at clip.'
            if section not in BODY_SECTIONS or not how:
                return []
            devices = [d for d in localizing if not d.definite]
            if any(m.label == "BIOPSY" and m.affirmed and _sampled_now(doc, m) for m in found):
                # '9g VAB x8 + ribbon clip': the clip left by this line's biopsy
                devices += [
                    d for d in found if d.label == "DEVICE" and d.affirmed and d.value in MARKERS
                ][:1]
        else:
            blockers = [m for m in found if m.label in ("PLACE", "DEVICE") and not m.affirmed]
            blockers = [m for m in blockers if not (m.label == "DEVICE" and m.context.target)]
            # 'the console localized both reflectors': a device after 'localized' with no
            # 'with'/'using' between is what was found, not what was placed
            places = [
                p
                for p in places
                if p.value != "localization"
                or p.end >= len(doc)
                or not _found_object(doc, p, devices)
            ]
            licensed = [
                d
                for d in devices
                if _licensed(d, places, blockers, breaks) and not _captured(d, acts)
            ]
            # '... placed a seed at 9 o'clock, and a second seed at 7 o'clock': a new device
            # coordinated after a placed one shares its verb
            for d in devices:
                if (
                    d not in licensed
                    and not d.definite
                    and not _captured(d, acts)
                    and any(
                        p.end <= d.start
                        and not any(p.end <= b < d.start for b in breaks)
                        and not any(p.end <= m.start < d.start for m in blockers)
                        for p in licensed
                    )
                ):
                    licensed.append(d)
            devices = licensed
            # 'localized' is said of a lesion or a wire/seed, not of the clip marking it
            if all(p.value == "localization" for p in places):
                devices = [d for d in devices if d.value in LOCALIZING or d.value == "seed"]
            if localizing:
                # Beside a wire or seed, a clip is usually its target: it counts as placed
                # only with its own placement verb close by ('... and a clip was deployed').
                acts_of_placing = [p for p in places if p.value != "localization"]
                devices = [
                    d
                    for d in devices
                    if d in localizing or (_near(d, acts_of_placing, 2) and not d.definite)
                ]  # 'targeted the mass and its clip and placed a wire': the clip is the target
        intraop = any(m.label == "INTRAOP" and m.context.status == "affirmed" for m in found)
        brackets = [m.start for m in found if m.label == "BRACKET"]
        bracket = bool(brackets)
        correction = any(m.label == "CORRECTION" for m in found) or section == "addendum"
        anchors: list[tuple[str | None, int]] = []
        for d in devices:
            kind = seed_kind if d.value == "seed" else d.value
            anchors.append((kind, d.start))
        if not anchors and _has_object(found):
            # 'lesion 2 was localized': an act with no device named, aimed at a breast finding
            anchors = [(None, p.start) for p in places if p.value == "localization"][:1]
        if not anchors:
            return []
        spread = self._spread(doc, anchors, devices, found, focus, bracket, labels_seen)
        events = []
        another = {d.start for d in devices if _another(doc, d.start)}
        for kind, anchor in anchors:
            event = Event(
                kind,
                anchor,
                sent_span,
                section,
                bracket=any(not _separated(doc, anchor, b) for b in brackets),
                intraop=intraop,
                correction=correction,
            )
            segment = [m for m in found if not _separated(doc, anchor, m.start)]
            # the focus already holds this sentence's places: if they are in another part of
            # a run-on sentence ('..., and then ... at 6 o'clock'), they are not this event's
            elsewhere = any(
                m.label == "LOCATION" and m.value == "clock" for m in found if m not in segment
            )
            known = focus
            if elsewhere:
                known = {k: v for k, v in focus.items() if k not in ("clock", "quadrant")}
            self._attribute(event, segment, known)
            event.another = anchor in another
            if spread:
                told = spread.pop(0)
                for key, value in told.items():
                    setattr(event, key, value)
                event.label_from_focus = False
            events.append(event)
        # merge duplicates: several device words for one placement ('Kopans wire ... hookwire')
        merged: list[Event] = []
        for event in events:
            twin = next((e for e in merged if _same_place(e, event)), None)
            if twin is None:
                merged.append(event)
            elif event.device and event.device != twin.device:
                merged.append(event)  # two device types at one lesion: grouping joins them
        return merged

    def _spread(self, doc, anchors, devices, found, focus, bracket, labels_seen) -> list[dict]:
        """One plural placement over several lesions is one event per lesion: per clock face
        ('wires at 2:00 and 10:00', 'hookwire x2' after 'L 12:00 + L 3:00'), or per labelled
        lesion ('Magseed x3, one per lesion' after 'Lesion A/B/C: ...'). Grows ``anchors`` in
        place and returns what each event is told, or [] when nothing is spread."""
        if bracket or len(anchors) != 1:
            return []
        counts = [count_value(m.text) or 0 for m in found if m.label == "COUNT"]
        plural = any(d.text.lower().endswith("s") for d in devices) or any(c >= 2 for c in counts)
        if not plural:
            return []
        clocks = [m for m in found if m.label == "LOCATION" and m.value == "clock"]
        if not clocks:
            clocks = [m for m in focus.get("location", []) if m.value == "clock"]
        if not all(c.context.status == "affirmed" for c in clocks):
            return []
        ranges = [doc.text[a.end_char : b.start_char].strip() for a, b in pairwise(clocks)]
        if any(gap in ("-", "to", "through", "–") for gap in ranges):
            return []  # '9:30-11:00' is the extent of one lesion
        values: list[float] = []
        for m in clocks:
            value = clock_value(m.text)
            if value is not None and value not in values:
                values.append(value)
        count = max(counts, default=0)
        if len(values) >= 2 and count in (0, len(values)):
            kind = anchors[0][0]
            if clocks[0] in found:  # each event reads its side etc. beside its own clock
                firsts = [next(m for m in clocks if clock_value(m.text) == v) for v in values]
                anchors[:] = [(kind, m.start) for m in firsts]
            else:
                anchors[:] = anchors * len(values)
            return [{"clock": v, "label": None} for v in values]
        if count >= 2 and count == labels_seen and not values:
            anchors[:] = anchors * count
            return [{"label": n} for n in range(1, count + 1)]
        return []

    def _attribute(self, event: Event, found: list[Mention], focus: dict) -> None:
        anchor = event.anchor

        def nearest(items: list[Mention]) -> Mention | None:
            return min(items, key=lambda m: abs(m.start - anchor), default=None)

        ref = nearest(
            [
                m
                for m in found
                if m.label == "LESION" and m.value.isdigit() and m.context.status != "negated"
            ]
        )
        event.label = int(ref.value) if ref else focus.get("label")
        event.label_from_focus = ref is None and event.label is not None
        sides = [
            m
            for m in found
            if m.label == "LATERALITY"
            and m.value in ("left", "right")
            and m.context.status != "negated"
        ]
        clocks = [m for m in found if m.label == "LOCATION" and m.value == "clock"]
        if len(clocks) >= 2:
            # 'left 2 o'clock and 9 o'clock': a side belongs to the clock face nearest to it
            own = min(clocks, key=lambda c: abs(c.start - anchor))
            sides = [m for m in sides if min(clocks, key=lambda c: abs(c.start - m.start)) is own]
        side = nearest(sides)
        if side:
            event.laterality, event.laterality_span = side.value, side.span
            if "laterality" in focus and focus["laterality"][0] != side.value:
                # 'Left tag at the cylinder clip' after the right breast's target: the focus
                # is the other breast's lesion, its place is not this one's
                focus = {k: v for k, v in focus.items() if k in CARRIED}
        elif "laterality" in focus and len(clocks) < 2:  # a list of lesions says each one's side
            event.laterality, event.laterality_span = focus["laterality"]
        clock = nearest([m for m in found if m.label == "LOCATION" and m.value == "clock"])
        several = focus.get("several", False)
        event.clock = clock_value(clock.text) if clock else None
        own_quadrant = any(m.label == "LOCATION" and m.value in QUADRANTS for m in found)
        if clock is None and not several and not own_quadrant:
            event.clock = focus.get("clock")
        event.own_place = clock is not None or own_quadrant
        quadrant = nearest([m for m in found if m.label == "LOCATION" and m.value in QUADRANTS])
        event.quadrant = quadrant.value if quadrant else None
        if quadrant is None and not several and clock is None:  # its own place is the place
            event.quadrant = focus.get("quadrant")
        event.location = [m for m in found if m.label == "LOCATION"] or focus.get("location", [])
        named = [m for m in found if m.label == "DEVICE" and _marker_name(m) is not None]
        target = nearest(named)
        event.marker = _marker_name(target) if target else None
        guides = [m for m in found if m.label == "GUIDANCE" and m.affirmed]
        real = [m for m in guides if m.value != "tomosynthesis"]
        guide = nearest(real)
        if guide:
            event.guidance, event.guidance_span = guide.value, guide.span
        elif guides:
            event.tomo = True
        elif "guidance" in focus:
            event.guidance, event.guidance_span = focus["guidance"]
        elif focus.get("tomo"):
            event.tomo = True
        ordinal = nearest([m for m in found if m.label == "LESION" and m.value.isdigit()])
        event.device_ordinal = int(ordinal.value) if ordinal else None

    # ------------------------------------------------------------------ grouping
    def _group(
        self, events: list[Event], default_side: str | None, default_guidance: tuple | None
    ) -> list[LesionFact]:
        """Distinguished events (label, clock or quadrant) make lesions first; the others
        join the lesion they fit, preferring the latest one before them in the text."""
        events = [e for e in events if not e.intraop]
        body = [e for e in events if e.section not in WEAK_SECTIONS]
        weak = [e for e in events if e.section in WEAK_SECTIONS]
        lesions: list[LesionFact] = []
        where: dict[int, int] = {}  # id(lesion) -> last anchor

        def may_create(event: Event) -> bool:
            # an addendum corrects the lesions it names; it adds one only under a new label
            # (an addendum that heads the re-issued report: 'Lesion 1: ... Lesion 2: ...')
            if event.section != "addendum" or not lesions:
                return True
            return event.label is not None and all(les.label != event.label for les in lesions)

        # events that say where they are come first (a bracketing pair too: 'I bracketed the
        # upper outer quadrant calcifications'); the others then join what they fit
        placed = [e for e in body if _distinct(e) and (not e.bracket or e.own_place)]
        for event in placed:
            self._place(event, lesions, where, create=may_create(event))
        first = {id(e) for e in placed}
        for event in [e for e in body if id(e) not in first]:
            self._place(event, lesions, where, create=may_create(event))
        had_body = bool(lesions)
        for event in weak:
            distinct = event.label is not None and all(les.label != event.label for les in lesions)
            self._place(event, lesions, where, create=not had_body or distinct, weak=True)
        lesions.sort(key=lambda les: les.evidence[0][0] if les.evidence else 0)
        for lesion in lesions:
            if lesion.laterality is None and default_side:
                lesion.laterality = default_side
            if lesion.guidance is None and default_guidance and not lesion.tomosynthesis_only:
                lesion.guidance = default_guidance[0]
                lesion.guidance_evidence.append(default_guidance[1])
            lesion.devices = sorted(set(lesion.devices), key=_DEVICE_ORDER.index)
            lesion.device_named = bool(lesion.devices)
            if lesion.biopsy_evidence and lesion.devices and set(lesion.devices) <= MARKERS:
                lesion.purpose = "biopsy_marker"
        return lesions

    def _place(self, event, lesions, where, create=True, weak=False) -> None:
        if event.label is not None and (event.label_from_focus or event.own_place):
            labelled = next((les for les in lesions if les.label == event.label), None)
            if labelled is not None and not self._fits(labelled, event, use_label=False):
                event.label = None  # its own side or clock says another lesion than the focus
        target = self._target(event, lesions, where, weak)
        if target is None and not create:
            if event.correction and lesions:
                target = self._corrected(event, lesions)
            else:
                return
        if target is None:
            target = LesionFact(label=event.label)
            lesions.append(target)
        self._absorb(target, event, fill_only=weak)
        where[id(target)] = max(where.get(id(target), 0), event.anchor)

    def _target(self, event, lesions, where, weak) -> LesionFact | None:
        """The lesion an event belongs to, or None for a new one: by the named clip it was
        aimed at, its label, its place, or else the latest lesion it fits."""
        if event.marker and event.label is None:
            # 'Left tag at the cylinder clip': the lesion whose named clip it is
            for les in lesions:
                if les.marker == event.marker and self._fits(les, event):
                    return les
        if event.label is not None:
            for les in lesions:
                if les.label == event.label:
                    return les
            # else an unnamed lesion it fits: surely (same clock face or named clip), or else
            # the first one whose named clip is not another one
            unnamed = [les for les in lesions if les.label is None and self._fits(les, event)]
            sure = [
                les
                for les in unnamed
                if _same_spot(les, event) or (event.marker and les.marker == event.marker)
            ]
            other_clip = {id(les) for les in unnamed if les.marker and event.marker}
            biopsied = {  # a biopsy's clip is not where a wire or seed of another lesion went
                id(les) for les in unnamed if les.biopsy_evidence and event.device not in MARKERS
            }
            rest = [les for les in unnamed if id(les) not in other_clip | biopsied]
            return (sure or rest or [None])[0]
        if _distinct(event) and (not event.bracket or event.own_place):
            fitting = [les for les in lesions if self._fits(les, event)]
            exact = [les for les in fitting if _same_spot(les, event)]
            unplaced = [les for les in fitting if les.clock is None and les.quadrant is None]
            target = (exact or unplaced or [None])[-1]
            if target is not None and not event.own_place and self._one_more(target, event, weak):
                event.clock = event.quadrant = None  # the focus's place is the other lesion's
                event.location = []
                return None
            return target
        fitting = [les for les in lesions if self._fits(les, event, bracket=event.bracket)]
        before = [les for les in fitting if where.get(id(les), 0) <= event.anchor]
        target = max(before, key=lambda les: where[id(les)]) if before else None
        target = target or (fitting[0] if fitting else None)
        if target is not None and self._one_more(target, event, weak):
            event.location = []
            return None
        return target

    @staticmethod
    def _one_more(lesion: LesionFact, event: Event, weak: bool) -> bool:
        """'A second hookwire was placed at a small group of calcifications': one more device
        of a kind the lesion already has, not said to bracket it and not placed anywhere of
        its own, is not silently the same lesion (the decision then asks where it is)."""
        return (
            event.another
            and not event.bracket
            and not weak
            and event.device in lesion.devices
            and event.sentence not in lesion.evidence
        )

    def _corrected(self, event: Event, lesions: list[LesionFact]) -> LesionFact:
        """An addendum statement applies to the lesion it names, else the last one."""
        ordinal = event.device_ordinal
        in_range = ordinal is not None and 1 <= ordinal <= len(lesions)
        target = lesions[ordinal - 1] if in_range else lesions[-1]  # type: ignore[operator]
        if event.laterality:
            target.laterality = event.laterality
        if event.guidance:
            target.guidance = event.guidance
        return target

    def _fits(
        self, lesion: LesionFact, event: Event, bracket: bool = False, use_label: bool = True
    ) -> bool:
        labels = (event.label, lesion.label)
        if use_label and None not in labels and labels[0] != labels[1]:
            return False
        if event.laterality and lesion.laterality and event.laterality != lesion.laterality:
            return event.correction
        if bracket or event.bracket:
            return True
        if (
            event.clock is not None
            and lesion.clock is not None
            and clock_distance(event.clock, lesion.clock) > self.clock_tolerance
        ):
            return False
        return not (event.quadrant and lesion.quadrant and event.quadrant != lesion.quadrant)

    def _absorb(self, lesion: LesionFact, event: Event, fill_only: bool = False) -> None:
        """Merge an event into a lesion. Restatements (title, findings, impression) only fill
        what the body left empty: they never add a second device type to a lesion."""
        if lesion.label is None and event.label is not None and not fill_only:
            lesion.label = event.label
        if event.laterality and (lesion.laterality is None or event.correction):
            lesion.laterality = event.laterality
            if event.laterality_span:
                lesion.laterality_evidence.append(event.laterality_span)
        if event.guidance and (
            event.correction
            or (lesion.guidance is None and not lesion.tomosynthesis_only)
            or (lesion.tomosynthesis_only and not fill_only)  # stereo + tomo is stereotactic
        ):
            lesion.guidance = event.guidance
            lesion.tomosynthesis_only = False
            if event.guidance_span:
                lesion.guidance_evidence.append(event.guidance_span)
        elif event.tomo and (lesion.guidance is None or event.correction):
            lesion.guidance = None  # an addendum: 'placed with tomosynthesis guidance alone'
            lesion.tomosynthesis_only = True
        # a clock face and a quadrant are kept together only if they agree (not 'upper outer'
        # for the right 7 o'clock lesion)
        sides = {lesion.laterality} - {None}
        if (
            lesion.clock is None
            and event.clock is not None
            and (lesion.quadrant is None or _quadrant_has(lesion.quadrant, event.clock, sides))
        ):
            lesion.clock = event.clock
        if (
            lesion.quadrant is None
            and event.quadrant
            and (lesion.clock is None or _quadrant_has(event.quadrant, lesion.clock, sides))
        ):
            lesion.quadrant = event.quadrant
        if event.location and lesion.location is None:
            first, last = event.location[0], event.location[-1]
            lesion.location = ", ".join(m.text for m in event.location)
            lesion.location_span = (first.start_char, last.end_char)
        if event.device and not (fill_only and lesion.devices):
            lesion.devices.append(event.device)
        if event.bracket:
            lesion.bracketed = True
        if event.marker and lesion.marker is None:
            lesion.marker = event.marker
        if event.biopsy and event.device in MARKERS:
            lesion.biopsy_evidence.append(event.biopsy)
        if event.sentence not in lesion.evidence:
            lesion.evidence.append(event.sentence)


_DEVICE_ORDER = list(DEVICE_TYPES)  # the contract's order


def _near(mention: Mention, others: list[Mention], tokens: int) -> bool:
    return any(o.start - tokens <= mention.end and mention.start <= o.end + tokens for o in others)


def _definite(doc: Doc, start: int) -> bool:
    """Whether the noun phrase ending at a mention opens with a definite determiner."""
    for i in range(start - 1, max(start - 5, 0) - 1, -1):
        word = doc[i].lower_
        if word in DEFINITE:
            return True
        if word in INDEFINITE or (doc[i].is_punct and word not in ("-", "/")):
            return False
    return False


DEFINITE = frozenset(
    {"the", "this", "that", "these", "those", "its", "their", "her", "existing", "same", "both"}
    | {"each"}
)
INDEFINITE = frozenset({"a", "an", "another", "second", "one", "two", "three", "new", "additional"})


def _summary(found: list[Mention]) -> bool:
    """'Stereotactic wire localization left breast x 2', '== PROCEDURE 2: STEREOTACTIC MAGSEED
    LOCALIZATION, LEFT BREAST ==': a procedure name (a count of lesions, or a heading in capitals)
    with no place of its own restates the procedure, like a title."""
    named = [m for m in found if m.label in ("PLACE", "DEVICE", "GUIDANCE", "LATERALITY")]
    heading = bool(named) and all(m.text.isupper() for m in named)
    places = any(
        m.label == "LOCATION" and m.value in ("clock", "uoq", "uiq", "loq", "liq") for m in found
    )
    act = any(m.label == "PLACE" and m.value == "localization" for m in found)
    if heading and act and not places:
        return True
    counts = [count_value(m.text) or 0 for m in found if m.label == "COUNT"]
    if not counts or max(counts) < 2:
        return False
    if not any(m.label == "PLACE" and m.value == "localization" for m in found):
        return False  # 'hookwire x2 (1 per site)' counts devices placed
    return not any(
        m.label == "LOCATION" and m.value in ("clock", "uoq", "uiq", "loq", "liq") for m in found
    )  # 'localization x2: (a) stereo wire; (b) US-guided SCOUT reflector' is a summary too


# Clock hours (from, to) of each quadrant, by breast, as the viewer facing the patient reads
# them: the right upper outer quadrant runs from 9 to 12 o'clock.
_QUADRANT_HOURS = {
    ("uoq", "right"): (9, 12), ("uoq", "left"): (0, 3),
    ("uiq", "right"): (0, 3), ("uiq", "left"): (9, 12),
    ("loq", "right"): (6, 9), ("loq", "left"): (3, 6),
    ("liq", "right"): (3, 6), ("liq", "left"): (6, 9),
}  # fmt: skip


def _quadrant_has(quadrant: str, clock: float, sides: set[str], slack: float = 0.5) -> bool:
    """Could this clock face lie in this quadrant (of the breast named, or of either)?"""
    if quadrant == "central":
        return False  # behind the nipple: a region of its own, not a clock face
    if quadrant == "axtail":
        return 8 <= clock <= 11 or 1 <= clock <= 4
    for side in (sides & {"left", "right"}) or {"left", "right"}:
        start, end = _QUADRANT_HOURS[(quadrant, side)]
        if (clock - start + slack) % 12 <= (end - start) + 2 * slack:
            return True
    return False


def _single_stated(by_sentence) -> bool:
    """'One lesion: extensive calcs... Sites below mark the extent of this single lesion', with
    no count of two or more anywhere and a bracketing word: the devices mark one lesion."""
    counts = [
        count_value(m.text)
        for _s, found in by_sentence
        for m in found
        if m.label == "COUNT" and m.context.status == "affirmed"
    ]
    bracket = any(m.label == "BRACKET" for _s, found in by_sentence for m in found)
    return bracket and 1 in counts and not any(c and c >= 2 for c in counts)


def _alike(lesions: list[LesionFact]) -> bool:
    """All in one breast: the clock faces and site numbers of bracketing devices differ, they
    mark the ends of the one lesion the note states."""
    return len(lesions) > 1 and len({les.laterality for les in lesions} - {None}) <= 1


def _merged(lesions: list[LesionFact]) -> list[LesionFact]:
    first = lesions[0]
    for other in lesions[1:]:
        first.devices = sorted(set(first.devices + other.devices), key=_DEVICE_ORDER.index)
        first.evidence += [e for e in other.evidence if e not in first.evidence]
        first.laterality = first.laterality or other.laterality
        first.guidance = first.guidance or other.guidance
    first.bracketed = True
    first.label = None
    return [first]


def _separated(doc: Doc, a: int, b: int) -> bool:
    """Does a new step of a run-on sentence start between two tokens? (', then a second
    hookwire...', 'and then we repositioned the breast', 'subsequently') A bare 'then' inside
    one step ('tomo scout then stereo pair') does not separate."""
    low, high = min(a, b), max(a, b)
    for i in range(low, high):
        word = doc[i].lower_
        if word in SEQUENCE_WORDS:
            return True
        if (
            word in ("then", "next")
            and i > 0
            and doc[i - 1].lower_ in (",", "and")
            and i + 1 < len(doc)
            and doc[i + 1].lower_ in STEP_OPENERS
        ):
            return True  # not ', then deployed a Magseed' (the same step goes on)
    return False


def _elsewhere(found: list[Mention]) -> bool:
    sessions = {m.value for m in found if m.label == "SESSION" and m.context.status != "negated"}
    return "other" in sessions and "same" not in sessions


def _another(doc: Doc, start: int) -> bool:
    """'a second wire', 'another 7 cm hookwire', 'an additional seed' (not 'the second seed',
    which refers back to one already placed)."""
    for i in range(start - 1, max(start - 5, 0) - 1, -1):
        word = doc[i].lower_
        if word in ("another", "additional"):
            return True
        if word in ("second", "2nd", "third", "3rd", "fourth"):
            if i == 0 or doc[i - 1].lower_ not in DEFINITE:
                return True
            # 'the second wire was placed', 'deployed the second reflector': the subject or
            # object of its own act is one more device
            after = {t.lower_ for t in doc[start + 1 : start + 4]}
            if after & {"was", "were"} and after & OWN_ACTS:
                return True
            return i >= 2 and doc[i - 2].lower_ in OWN_ACTS
        if doc[i].is_punct:
            return False
    return False


def _marker_name(m: Mention) -> str | None:
    """'the coil-shaped clip' -> 'coil', 'HydroMARK clip' -> 'hydromark'; None for a plain
    'clip' or a device that is not a marker."""
    if m.label != "DEVICE" or m.value not in MARKERS:
        return None
    words = m.text.lower().replace("-", " ").split()
    named = [w for w in words if w not in _GENERIC_MARKER_WORDS]
    return " ".join(named) or None


_GENERIC_MARKER_WORDS = frozenset(
    {"clip", "clips", "marker", "markers", "biopsy", "shaped", "metallic", "tissue", "marking"}
)


def _place_by_marker(lesions: list[LesionFact], by_sentence) -> None:
    """A lesion known by the clip it was aimed at ('the coil clip was targeted') is placed where
    the note put that clip ('Lower outer quadrant asymmetry ... coil clip')."""
    wanted = {
        les.marker: les
        for les in lesions
        if les.marker and les.clock is None and les.quadrant is None and les.location is None
    }
    if not wanted:
        return
    for _sent, found in by_sentence:
        markers = [(m, _marker_name(m)) for m in found if m.label == "DEVICE"]
        markers = [(m, name) for m, name in markers if name]
        if not markers:
            continue
        for place in [m for m in found if m.label == "LOCATION"]:
            ref, name = min(markers, key=lambda item: _gap(item[0], place))
            lesion = wanted.get(name)
            if lesion is None or _gap(ref, place) > 12:
                continue
            if place.value == "clock" and lesion.clock is None:
                lesion.clock = clock_value(place.text)
            elif place.value in QUADRANTS and lesion.quadrant is None:
                lesion.quadrant = place.value
            if lesion.location is None:
                lesion.location, lesion.location_span = place.text, place.span


def _amendments(found: list[Mention]) -> list[tuple[int, Mention]]:
    """'ADDENDUM: Lesion 2 was targeted on the prone stereotactic table': an addendum sentence
    with no placement of its own that states the guidance or side of a labelled lesion (the
    label written before the statement)."""
    out = []
    label = None
    for m in found:
        if m.label == "LESION" and m.value.isdigit() and m.context.status != "negated":
            label = label or int(m.value)  # the sentence's subject: 'Lesion 2 ... as lesion 1'
        elif (
            label is not None
            and m.affirmed
            and (
                (m.label == "GUIDANCE" and m.value != "tomosynthesis")
                or (m.label == "LATERALITY" and m.value in ("left", "right"))
            )
        ):
            out.append((label, m))
        elif label is not None and m.label == "DEVICE" and m.context.status == "negated":
            out.append((label, m))  # '... was a SCOUT reflector, NOT a LOCalizer tag'
        elif label is not None and m.label == "SESSION" and m.value == "other":
            out.append((label, m))  # 'Lesion #2 under a second accession dated 10 JUL'
    return out


def _amend(lesions: list[LesionFact], amendments: list[tuple[int, Mention]]) -> None:
    """The addendum wins over the body for the lesion it names."""
    for label, m in amendments:
        lesion = next((les for les in lesions if les.label == label), None)
        if lesion is None:
            continue
        if m.label == "GUIDANCE":
            lesion.guidance, lesion.tomosynthesis_only = m.value, False
            lesion.guidance_evidence.append(m.span)
        elif m.label == "DEVICE":
            if m.value in lesion.devices and len(lesion.devices) > 1:
                lesion.devices.remove(m.value)
        elif m.label == "SESSION":
            lesion.session_doubt = True
        else:
            lesion.laterality = m.value
            lesion.laterality_evidence.append(m.span)


def _sampled_now(doc: Doc, biopsy: Mention) -> bool:
    """'9g VAB x8', '14G core biopsy x4': a biopsy written with its needle gauge or number of
    cores is one done in this sitting (not 'the clip from the March biopsy')."""
    window = doc[max(biopsy.start - 2, 0) : biopsy.end + 2]
    return any(_GAUGE_OR_CORES.match(t.lower_) for t in window)


_GAUGE_OR_CORES = re.compile(r"^(\d{1,2}-?(g|ga|gauge)|x\d{1,2}|\d{1,2}x)$")


def _found_object(doc: Doc, place: Mention, devices: list[Mention]) -> bool:
    """Is a device what a localization verb *found* rather than what it placed? 'The console
    localized both reflectors', 'the SCOUT reflectors were localized with the handpiece': the
    device is the object of 'localized' (after it with no 'with'/'using' between, or its
    passive subject), unlike 'localized with a wire' or 'seed localization'."""
    if doc[place.end - 1].lower_ in ("localization", "localisation", "loc"):
        return False
    after = [d for d in devices if d.start >= place.end and d.start - place.end <= 3]
    if after:
        between = {t.lower_ for t in doc[place.end : after[0].start]}
        return not between & {"with", "using", "by", "via"}
    before = [d for d in devices if d.end <= place.start and place.start - d.end <= 3]
    if before:
        between = [t.lower_ for t in doc[before[-1].end : place.start]]
        # 'reflectors were localized' (subject), not 'the lesion, with a clip, was localized'
        return bool(set(between) & {"was", "were", "is", "are", "been"}) and "," not in between
    return False


def _inside(inner: Mention, outer: Mention) -> bool:
    """Strictly inside: 'localization' in 'localization devices' (not 'needle localization'
    matched by both categories over the same tokens)."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.start, outer.end) != (inner.start, inner.end)
    )


def _captured(place: Mention, devices: list[Mention]) -> bool:
    """A placement act belongs to the device nearest to it: in 'no clip was placed' the act is
    the clip's, and the clip is negated, so the act licenses no other device. The same holds
    the other way round: in '..., the 2 o'clock seed was placed yesterday' the seed's own act
    is past, whatever act of today stands further away."""
    candidates = [d for d in devices if not (d.context.target and d.context.status == "affirmed")]
    if place.label == "DEVICE":  # the device's nearest act
        candidates = [d for d in devices if not _inside(d, place)]
    if not candidates:
        return False
    nearest = min(candidates, key=lambda d: _gap(place, d))
    return nearest.context.status != "affirmed" and not any(
        d.affirmed and _gap(place, d) <= _gap(place, nearest) for d in candidates
    )


def _gap(a: Mention, b: Mention) -> int:
    if a.start < b.end and b.start < a.end:
        return 0
    return b.start - a.end if b.start >= a.end else a.start - b.end


def _has_object(found: list[Mention]) -> bool:
    return any(
        (m.label == "BREAST" and m.value == "finding")
        or m.label == "LESION"
        or (m.label == "LOCATION" and (m.value == "clock" or m.value in QUADRANTS))
        for m in found
        if m.context.status != "negated"
    )


def _licensed(
    device: Mention, places: list[Mention], blockers: list[Mention], breaks: list[int]
) -> bool:
    """Is this device the object of an affirmed placement act in its clause?

    The act must be within ``LICENSE_WINDOW`` tokens, in the same clause (no ';' between) and
    with no negated or planned act or device between them: in 'no clip was placed; the wire was
    deployed' the first act is negated and the second licenses only the wire."""
    for place in places:
        if place.start <= device.end and device.start <= place.end:
            return True  # 'wire localization', 'hookwire placement'
        low, high = min(place.end, device.end), max(place.start, device.start)
        if high - low > LICENSE_WINDOW:
            continue
        if any(low <= b < high for b in breaks):
            continue
        if any(low <= m.start and m.end <= high for m in blockers):
            continue
        return True
    return False


LICENSE_WINDOW = 12


def _same_place(a: Event, b: Event) -> bool:
    return (a.device == b.device or a.device is None or b.device is None) and (
        a.label == b.label and a.clock == b.clock and a.laterality == b.laterality
    )


def _same_spot(lesion: LesionFact, event: Event) -> bool:
    return (
        event.clock is not None
        and lesion.clock is not None
        and clock_distance(event.clock, lesion.clock) < 0.5
    )


def _distinct(event: Event) -> bool:
    return event.clock is not None or event.quadrant is not None


def _trim(doc: Doc, sent: Span) -> tuple[int, int]:
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.start_char + len(text.rstrip())
    return (start, max(start, end))


@Language.factory(
    "locaudit_lesions",
    assigns=["doc._.locaudit_facts"],
    requires=["doc._.locaudit_context", "doc._.locaudit_sections"],
    default_config={"clock_tolerance": 1.0, "focus_sentences": 6},
)
def make_lesions(
    nlp: Language, name: str, clock_tolerance: float, focus_sentences: int
) -> LesionBuilder:
    return LesionBuilder(clock_tolerance, focus_sentences)
