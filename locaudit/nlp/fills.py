"""Fills after grouping: what the rest of the note says about lesions already found.

Grouping only sees placement events. Once the lesions exist, sentences that placed nothing
still tell about them: 'one lesion' with bracketing devices merges their lesions, a label or a
named clip is placed where the note (in any section) put it, an addendum amends the lesion it
names, and a clock face takes the side the note gives it elsewhere. The note-level builder
applies these in the order :meth:`locaudit.nlp.lesions.LesionBuilder.extract` lists them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from spacy.tokens import Doc

from locaudit.facts import LesionFact
from locaudit.nlp.mentions import (
    DEVICE_ORDER,
    LOCALIZING,
    QUADRANTS,
    Mention,
    SentenceMentions,
    clock_value,
    clock_values,
    count_value,
    gap,
    lesion_number,
    marker_name,
    real_guides,
)
from locaudit.nlp.places import clock_distance


class Amendment(NamedTuple):
    """What an addendum sentence says of one lesion, named by its label or its clock face
    (neither: of every lesion)."""

    label: int | None
    clock: float | None
    mention: Mention


# words that open 'another lesion', 'a separate site' (the mention's value may since have become
# the lesion's number)
OTHER_WORDS = frozenset({"another", "additional", "separate", "other", "contralateral"})
SEPARATE = frozenset({"separate", "separately", "unrelated", "distinct"})


def single_stated(by_sentence: SentenceMentions) -> bool:
    """'One lesion: extensive calcs... Sites below mark the extent of this single lesion', with
    no count of two or more and no 'separate lesion' anywhere, and a bracketing word: the
    devices mark one lesion."""
    counts = [
        count_value(m.text)
        for _s, found in by_sentence
        for m in found
        if m.label == "COUNT"
        and m.context.status == "affirmed"
        and not _counts_devices(m, found)  # '(2 wires)' counts devices, not lesions
    ]
    bracket = any(  # bracketing devices, or a displaced one and its replacement
        m.label in ("BRACKET", "REPLACED") for _s, found in by_sentence for m in found
    )
    if not bracket or 1 not in counts or any(c and c >= 2 for c in counts):
        return False
    # 'These two wires mark a single lesion. ... a separate right 8 o'clock lesion': the one
    # lesion is the bracketed one, not the whole note
    other = any(
        m.label == "LESION" and m.affirmed and m.text.split()[0].lower() in OTHER_WORDS
        for _s, found in by_sentence
        for m in found
    ) or any(  # 'Stereotactic wire localization of a separate left 6:00 lesion.'
        any(m.label == "LOCATION" and m.affirmed for m in found)
        and not SEPARATE.isdisjoint(t.lower_ for t in sent)
        for sent, found in by_sentence
    )
    return not other


PAIR_WORDS = frozenset({"two", "both", "2"})


def bracket_pairs(lesions: list[LesionFact], body: SentenceMentions) -> list[LesionFact]:
    """'... a 20-gauge hookwire was deployed just beyond it. The breast was recompressed and
    the X-clip at the posterior extent targeted ...; a second hookwire was deployed there. These
    two wires bracket a single lesion.': the two devices placed just before the sentence are
    one lesion (the note's other lesions stay apart). ``body`` are the body's sentences."""
    for sent, found in body:
        if not any(m.label == "BRACKET" and m.affirmed for m in found):
            continue
        doc = sent.doc
        pair = any(
            m.label == "DEVICE" and m.start > 0 and doc[m.start - 1].lower_ in PAIR_WORDS
            for m in found
        )  # 'These two wires', 'both seeds'
        if (
            not pair
            or any(m.label == "LOCATION" and m.value == "clock" for m in found)
            or any(m.label == "LESION" and m.affirmed for m in found)  # ('Site B ... TWO wires')
        ):
            continue
        here = sent.start_char
        ordered = sorted(
            (les for les in lesions if les.evidence and les.purpose == "localization"),
            key=lambda les: les.evidence[0][0],
        )
        before = [les for les in ordered if les.evidence[0][0] < here]
        if len(before) < 2:
            continue
        first, second = before[-2], before[-1]
        if (
            (first.laterality and second.laterality and first.laterality != second.laterality)
            or (first.quadrant and second.quadrant and first.quadrant != second.quadrant)
            or (
                first.clock is not None
                and second.clock is not None
                and clock_distance(first.clock, second.clock) > 1
            )
        ):
            continue
        merged([first, second])
        lesions = [les for les in lesions if les is not second]
    return lesions


def _counts_devices(count: Mention, found: list[Mention]) -> bool:
    return any(
        d.label == "DEVICE" and (0 <= d.start - count.end <= 1 or 0 <= count.start - d.end <= 1)
        for d in found
    )


def alike(lesions: list[LesionFact]) -> bool:
    """All in one breast: the clock faces and site numbers of bracketing devices differ, they
    mark the ends of the one lesion the note states."""
    return len(lesions) > 1 and len({les.laterality for les in lesions} - {None}) <= 1


def merged(lesions: list[LesionFact]) -> list[LesionFact]:
    """The one bracketed lesion the note states, with every device and evidence of the parts."""
    first = lesions[0]
    for other in lesions[1:]:
        first.devices = sorted(set(first.devices + other.devices), key=DEVICE_ORDER.index)
        for name in ("evidence", "guidance_evidence", "laterality_evidence", "biopsy_evidence"):
            mine = getattr(first, name)
            mine += [e for e in getattr(other, name) if e not in mine]
        first.laterality = first.laterality or other.laterality
        first.guidance = first.guidance or other.guidance
        first.marker = first.marker or other.marker
        if first.location is None:
            first.location, first.location_span = other.location, other.location_span
    first.bracketed = True
    first.label = None
    return [first]


def _fill_place(lesion: LesionFact, place: Mention) -> None:
    """Give a lesion what it lacks of a place mention: its clock face, quadrant, location text."""
    if place.value == "clock" and lesion.clock is None:
        lesion.clock = clock_value(place.text)
    elif place.value in QUADRANTS and lesion.quadrant is None:
        lesion.quadrant = place.value
    if lesion.location is None:
        lesion.location, lesion.location_span = place.text, place.span


def label_the_rest(lesions: list[LesionFact], named: int) -> bool:
    """'Lesion 1: right breast 9:00 ... Lesion 2: 12:00' in the indication, a body that says
    'for each lesion ... the seed deployed', and an addendum about 'the second lesion': of the
    lesions the note names, the one found without its label is the label left over (so it
    is placed where the note put that label). Run after the fills that read a lesion's own
    label (block guidance, addenda). True when a label was given."""
    if named < 2 or len(lesions) != named:
        return False
    unlabelled = [les for les in lesions if les.label is None]
    left = set(range(1, named + 1)) - {les.label for les in lesions}
    if len(unlabelled) != 1 or len(left) != 1:
        return False
    unlabelled[0].label = left.pop()
    return True


def place_labelled(lesions: list[LesionFact], by_sentence: SentenceMentions) -> None:
    """A lesion known by its label ('Target B') is placed where the note, in any section,
    put that label ('Indication: ... Target B, 3 o'clock')."""
    wanted = {les.label: les for les in lesions if les.label is not None and les.clock is None}
    wanted = {k: v for k, v in wanted.items() if v.quadrant is None and v.location is None}
    if not wanted:
        return
    for _sent, found in by_sentence:
        labels = [
            (m, lesion_number(m.text)) for m in found if m.label == "LESION" and m.value != "next"
        ]
        if not labels:
            continue
        for m in found:
            if m.label != "LOCATION":
                continue
            # each place goes to the label nearest to it ('the 2:00 lesion (lesion 1)',
            # 'Lesion 2: 11:00')
            _ref, number = min(labels, key=lambda item: gap(item[0], m))
            current = wanted.get(number) if number is not None else None
            if current is not None:
                _fill_place(current, m)


def guide_by_block(lesions: list[LesionFact], block_guides: list[tuple[int, Mention]]) -> None:
    """A labelled lesion's block gives its guidance in a field after the device line ('Lesion 2
    / Device: Magseed / Guidance: Stereo + tomo'): a lesion with no guidance of its own takes
    its block's (stereo with tomosynthesis is stereotactic; tomosynthesis alone is not)."""
    for lesion in lesions:
        if (
            lesion.label is None
            or lesion.guidance is not None
            or lesion.tomosynthesis_only
            or lesion.guidance_unstated
        ):
            continue
        guides = [m for label, m in block_guides if label == lesion.label]
        real = real_guides(guides)
        if real:
            lesion.guidance = real[-1].value
            lesion.guidance_evidence.append(real[-1].span)
        elif guides:
            lesion.tomosynthesis_only = True
            lesion.guidance_evidence.append(guides[-1].span)


def amendments(found: list[Mention], correcting: bool = False) -> list[Amendment]:
    """'ADDENDUM: Lesion 2 was targeted on the prone stereotactic table': an addendum sentence
    with no placement of its own that states the guidance or side of a labelled lesion (the
    label written before the statement), or of the lesion at a clock face ('the 4 o'clock
    distortion ... was targeted on the tomosynthesis acquisition alone')."""
    out: list[Amendment] = []
    label = None
    clocks = [m for m in found if m.label == "LOCATION" and m.value == "clock" and m.affirmed]
    clock = clock_value(clocks[0].text) if clocks else None
    # 'Both sites, the 2:00 IDC and the 11:00 ALH site, are in the LEFT breast': a side said
    # once of every clock face listed before it
    listed = [v for v in (clock_value(c.text) for c in clocks) if v is not None]
    real = any(m.label == "GUIDANCE" and m.value != "tomosynthesis" and m.affirmed for m in found)
    sides = [m for m in found if m.label == "LATERALITY" and m.affirmed]
    if (
        clock is None
        and not any(m.label == "LESION" for m in found)
        and (correcting or any(m.label == "CORRECTION" for m in found))
        # not '"right" ... should read "left"': there the side said is the wrong one
        and not any(m.label == "CORRECTION" and not m.affirmed for m in found)
        and len({m.value for m in sides}) == 1
        and sides[0].value in ("left", "right")
    ):
        # 'LATERALITY CORRECTION: This procedure was performed on the LEFT breast': the side
        # of every lesion
        return [Amendment(None, None, sides[0])]
    guides = {m.value for m in found if m.label == "GUIDANCE" and m.affirmed}
    denied = {m.value for m in found if m.label == "GUIDANCE" and m.context.status == "negated"}
    if (
        clock is None
        and not any(m.label == "LESION" for m in found)
        and (correcting or any(m.label == "CORRECTION" for m in found))
        and len(guides) == 1
        and denied - guides
    ):
        # 'Correction to guidance. No stereotactic pair was acquired for either placement;
        # both were targeted on the tomosynthesis stack': the guidance of every lesion
        told = next(m for m in found if m.label == "GUIDANCE" and m.affirmed)
        return [Amendment(None, None, told)]
    for m in found:
        if m.label == "LESION" and m.value.isdigit() and m.context.status != "negated":
            label = label or int(m.value)  # the sentence's subject: 'Lesion 2 ... as lesion 1'
        elif label is None and clock is None:
            continue
        elif (
            label is None
            and len(listed) > 1
            and m.affirmed
            and m.label == "LATERALITY"
            and m.value in ("left", "right")
            and all(c.end <= m.start for c in clocks)
        ):
            out.extend(Amendment(None, value, m) for value in listed)
        elif m.affirmed and (
            (m.label == "GUIDANCE" and m.value != "tomosynthesis")
            or (m.label == "LATERALITY" and m.value in ("left", "right"))
        ):
            out.append(Amendment(label, clock, m))
        elif m.label == "GUIDANCE" and m.affirmed and not real:
            out.append(Amendment(label, clock, m))  # targeted by tomosynthesis alone
        elif label is not None and m.label == "DEVICE" and m.context.status == "negated":
            out.append(Amendment(label, clock, m))  # '... a SCOUT reflector, NOT a LOCalizer'
        elif label is not None and m.label == "SESSION" and m.value == "other":
            out.append(Amendment(label, clock, m))  # 'Lesion #2 under a second accession'
    return out


def amend(lesions: list[LesionFact], amendments: list[Amendment]) -> None:
    """The addendum wins over the body for the lesion it names (by label, else by clock)."""
    for label, clock, m in amendments:
        if label is None and clock is None and m.label == "LATERALITY":
            for lesion in lesions:
                lesion.laterality, lesion.side_contradicted = m.value, False
                lesion.laterality_evidence.append(m.span)
            continue
        if label is None and clock is None:  # the guidance of every lesion
            for lesion in lesions:
                _set_guidance(lesion, m)
            continue
        if label is not None:
            lesion = next((les for les in lesions if les.label == label), None)
        else:
            at = [
                les
                for les in lesions
                if les.clock is not None and clock_distance(les.clock, clock) < 0.5
            ]
            lesion = at[0] if len(at) == 1 else None
        if lesion is None:
            continue
        if m.label == "GUIDANCE":
            _set_guidance(lesion, m)
        elif m.label == "DEVICE":
            if m.value in lesion.devices and len(lesion.devices) > 1:
                lesion.devices.remove(m.value)
        elif m.label == "SESSION":
            lesion.session_doubt = True
        else:
            lesion.laterality = m.value
            lesion.laterality_evidence.append(m.span)


def _set_guidance(lesion: LesionFact, told: Mention) -> None:
    """An addendum's guidance wins; tomosynthesis alone is no stereotactic guidance."""
    if told.value == "tomosynthesis":
        lesion.guidance, lesion.tomosynthesis_only = None, True
    else:
        lesion.guidance, lesion.tomosynthesis_only = told.value, False
    lesion.guidance_evidence.append(told.span)


def _sides_at(clock: float, by_sentence: SentenceMentions) -> dict[str, tuple[int, int]]:
    """The sides the sentences give a clock face ('RT LIQ 4:00'): a side belongs to the clock
    face nearest to it, a few words away."""
    sides: dict[str, tuple[int, int]] = {}
    for _sent, found in by_sentence:
        for m in found:
            if m.label != "LOCATION" or m.value != "clock":
                continue
            value = clock_value(m.text)
            if value is None or clock_distance(value, clock) >= 0.5:
                continue
            clocks = [c for c in found if c.label == "LOCATION" and c.value == "clock"]
            for side in found:
                if (
                    side.label == "LATERALITY"
                    and side.value in ("left", "right")
                    and side.context.status != "negated"
                    and abs(side.start - m.start) <= 4
                    # the nearest clock face, the one after the side on a tie ('right B
                    # (11:00), right C (2:00)': C's side is the 'right' before 2:00)
                    and min(clocks, key=lambda c: (abs(c.start - side.start), c.start < side.start))
                    is m
                ):
                    sides.setdefault(side.value, side.span)
    return sides


def side_by_clock(lesions: list[LesionFact], by_sentence: SentenceMentions) -> None:
    """A lesion known by its clock face takes the side the note gives that clock face
    anywhere ('s/p RT bx x2 (RT UOQ 11:00 IDC; RT LIQ 4:00 DCIS)'), when only one side is."""
    for lesion in [les for les in lesions if les.laterality is None and les.clock is not None]:
        sides = _sides_at(lesion.clock, by_sentence)
        if len(sides) == 1:
            ((lesion.laterality, span),) = sides.items()
            lesion.laterality_evidence.append(span)


def side_conflicts(lesions: list[LesionFact], restated: SentenceMentions) -> None:
    """'... the right breast 5 o'clock wing clip was then targeted ...' and the impression's
    '2. Left breast 5 o'clock ADH: I-125 seed': the note gives that lesion both sides, so its
    side is not documented (the decision asks). ``restated`` are the title and impression
    sentences; only a clock face of one lesion is read, and only one side said of it there."""
    for lesion in lesions:
        if lesion.laterality is None or lesion.clock is None:
            continue
        if sum(1 for les in lesions if les.clock == lesion.clock) > 1:
            continue
        sides = _sides_at(lesion.clock, restated)
        if len(sides) == 1 and lesion.laterality not in sides:
            lesion.laterality = None
            lesion.side_contradicted = True
            lesion.laterality_evidence.extend(sides.values())


def place_by_marker(lesions: list[LesionFact], by_sentence: SentenceMentions) -> None:
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
        markers = [(m, marker_name(m)) for m in found if m.label == "DEVICE"]
        markers = [(m, name) for m, name in markers if name]
        if not markers:
            continue
        for place in [m for m in found if m.label == "LOCATION"]:
            ref, name = min(markers, key=lambda item: gap(item[0], place))
            lesion = wanted.get(name)
            if lesion is None or gap(ref, place) > 12:
                continue
            _fill_place(lesion, place)


def devices_from_list(lesions: list[LesionFact], devices: list[Mention], doc: Doc) -> None:
    """'Devices: 2 SAVI SCOUT reflectors, one per site': lesions localized with no device named
    take the device of a line that counts one of them for every lesion (the number before the
    device, or 'x2' after it). ``devices`` are the body's affirmed device mentions."""
    unnamed = [les for les in lesions if not les.devices and les.purpose == "localization"]
    if not unnamed:
        return
    kinds = {m.value for m in devices if m.value in LOCALIZING}
    if len(kinds) == 1 and len(unnamed) == len(lesions):
        # 'SUPPLIES: Kopans 20 G wire (anterior); Kopans 20 G wire (posterior)', 'A SAVI SCOUT
        # reflector was placed at each site': the one device type the note names, said once
        # for placements that name none
        (kind,) = kinds
        first = next(m for m in devices if m.value == kind)
        for lesion in unnamed:
            lesion.devices = [kind]
            lesion.device_named = True
            lesion.evidence.append(first.span)
        return
    for m in devices:
        if m.value not in LOCALIZING:
            continue
        before = doc[m.start - 1].text if m.start > 0 else ""
        after = doc[m.end].text if m.end < len(doc) else ""
        count = count_value(before) or (
            count_value(after) if after.lower().startswith("x") else None
        )
        if count is not None and count == len(lesions):
            for lesion in unnamed:
                lesion.devices = [m.value]
                lesion.device_named = True
                lesion.evidence.append(m.span)
            return


def unstated_guidance(lesions: list[LesionFact], by_sentence: SentenceMentions) -> None:
    """'The 5:00 coil clip ... was then wired under imaging guidance': a lesion whose guidance
    only came from the rest of the note (not its own sentences) has, by the note's own words,
    no modality documented."""
    for _sent, found in by_sentence:
        if not any(m.label == "UNSTATED_GUIDANCE" and m.affirmed for m in found):
            continue
        if any(m.label == "GUIDANCE" and m.affirmed for m in found):
            continue  # 'under stereotactic imaging guidance'
        for value in clock_values(found):
            at = [
                les
                for les in lesions
                if les.clock is not None and clock_distance(les.clock, value) < 0.5
            ]
            if len(at) == 1 and not at[0].guidance_own:
                at[0].guidance, at[0].guidance_unstated = None, True


# what a form's field holds when left empty: nothing, 'N/A', '***', '[ ]', '____', '-', '--',
# or an EHR pick list left unresolved ('{Right/Left:31877}')
BLANK_VALUE = r"(?:$|\[[ \t]*\]|_{2,}|\*{3}|n/?a\b|-{2,}|-[ \t]*(?:$|\|)|\{[^}\n]*\})"
# a side field left empty anywhere in the note: 'Lesion2.Laterality:', 'Side: [ ]', 'LAT: -'
BLANK_SIDE = re.compile(
    r"\b(?:laterality|side|lat)[ \t]*[:=][ \t]*" + BLANK_VALUE, re.IGNORECASE | re.MULTILINE
)


def side_of_note(lesions: list[LesionFact], by_sentence: SentenceMentions, text: str) -> None:
    """'History: Left breast. ... Site A: 2 o'clock ... Site B: 10 o'clock': when no lesion has
    a side of its own and the whole note names one breast only (its history included), that
    breast is every lesion's. (One lesion with a side and another without is left alone: the
    side written at one lesion's place is that lesion's.)"""
    if not lesions or any(les.laterality is not None or les.side_contradicted for les in lesions):
        return
    if BLANK_SIDE.search(text):
        return  # a form whose side field was left empty says it is not documented
    sides: dict[str, tuple[int, int]] = {}
    for _sent, found in by_sentence:
        # (not the side of a past operation: 'Remote right lumpectomy 2019. New DCIS at 2:00')
        operated = any(m.label == "BREAST" and m.value == "surgery" for m in found)
        for m in found:
            if m.label != "LATERALITY" or m.context.status in ("negated", "hypothetical"):
                continue
            if not (operated and m.context.status == "historical"):
                sides.setdefault(m.value, m.span)
    if len(sides) != 1 or not set(sides) <= {"left", "right"}:
        return
    ((side, span),) = sides.items()
    for lesion in lesions:
        lesion.laterality = side
        lesion.laterality_evidence.append(span)
