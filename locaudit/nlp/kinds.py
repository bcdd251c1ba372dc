"""Lesions told apart by what they are: 'the calcifications' and 'the mass'.

Many notes name each lesion by its kind of finding rather than by a clock face ('The
calcifications: superior approach ... The mass: lateral approach, a second hookwire'), or give
the place once ('Targets: (1) the mass at 2 o'clock; (2) the calcifications at 11 o'clock') and
then say only 'a Magseed was deployed at the mass'. Before grouping, a placement that names its
kind takes the one place the note gives that kind; and when the note says there are two or more
lesions, or that they are separate, lesions of different kinds are different lesions. The kinds
and their words are data (``patterns/finding_kinds.toml``).
"""

from __future__ import annotations

from itertools import pairwise

from locaudit.facts import NoteFacts
from locaudit.nlp.events import Event
from locaudit.nlp.mentions import (
    QUADRANTS,
    Mention,
    SentenceMentions,
    clock_value,
    count_value,
    finding_kind,
    gap,
)
from locaudit.nlp.places import clock_distance

PLACE_WINDOW = 6  # tokens at most between a finding word and the place said of it
JOINERS = ("with", "containing", "associated")  # 'a mass with calcifications' is one lesion


def places_by_kind(by_sentence: SentenceMentions) -> dict[str, Mention]:
    """Each kind the note puts at one place only ('the mass at 2 o'clock'), with that place.
    A finding word and a place pair up when each is the other's nearest, a few words apart."""
    seen: dict[str, list[Mention]] = {}
    for _sent, found in by_sentence:
        kinds = [m for m in found if finding_kind(m)]
        places = [
            m
            for m in found
            if m.label == "LOCATION" and (m.value == "clock" or m.value in QUADRANTS)
        ]
        if not kinds or not places:
            continue
        for kind in kinds:
            place = min(places, key=lambda p: gap(kind, p))
            if gap(kind, place) > PLACE_WINDOW:
                continue
            if min(kinds, key=lambda k: gap(k, place)) is not kind:
                continue
            seen.setdefault(finding_kind(kind), []).append(place)
    out = {}
    for kind, places in seen.items():
        clocks = {clock_value(p.text) for p in places if p.value == "clock"} - {None}
        quadrants = {p.value for p in places if p.value != "clock"}
        one_clock = len(clocks) == 1 or (
            len(clocks) > 1 and max(clock_distance(a, b) for a in clocks for b in clocks) < 0.5
        )
        if (one_clock and len(quadrants) <= 1) or (not clocks and len(quadrants) == 1):
            out[kind] = next((p for p in places if p.value == "clock"), places[0])
    return out


def kinds_apart(facts: NoteFacts, events: list[Event], by_sentence: SentenceMentions) -> bool:
    """May kinds tell lesions apart in this note? Only when it says there are two or more
    lesions or that they are separate, places two kinds or more, and never joins two kinds
    in one finding ('a mass with associated calcifications')."""
    several = any(
        m.label == "COUNT"
        and m.affirmed
        and len(m.text.split()) > 1  # 'two lesions', '2 sites': not 'x2' after a device
        and (count_value(m.text) or 0) >= 2
        for _sent, found in by_sentence
        for m in found
    )
    if not (facts.separate_stated or several or (facts.stated_count or 0) >= 2):
        return False
    if len({e.finding for e in events} - {None}) < 2:
        return False
    for sent, found in by_sentence:
        kinds = [m for m in found if finding_kind(m)]
        text = sent.text.lower()
        for a, b in pairwise(kinds):
            if finding_kind(a) == finding_kind(b) or gap(a, b) > 4:
                continue
            between = text[a.end_char - sent.start_char : b.start_char - sent.start_char]
            if any(word in between.split() for word in JOINERS):
                return False
    return True


def place_by_kind(events: list[Event], by_sentence: SentenceMentions) -> None:
    """A placement with no place of its own but a kind takes the place the note gives that
    kind: 'a Magseed was deployed at the mass' after 'the mass at 2 o'clock'."""
    places = places_by_kind(by_sentence)
    for event in events:
        place = places.get(event.finding or "")
        if place is None or event.own_place:
            continue
        if place.value == "clock":
            value = clock_value(place.text)
            if (
                event.clock is not None
                and value is not None
                and (clock_distance(event.clock, value) >= 0.5)
            ):
                continue  # the focus said another clock face: keep it
            event.clock = value
        else:
            if event.quadrant is not None and event.quadrant != place.value:
                continue
            event.quadrant = place.value
        event.location = [place]
