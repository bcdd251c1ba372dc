"""Grouping placement events into distinct lesions.

Events with the same label are one lesion; unlabeled events join a compatible lesion (no
conflicting side, clock face or quadrant), preferring the latest one before them in the text;
'bracketing' joins the current lesion whatever the clock says. Title, findings (post-procedure
imaging) and impression restate lesions: they only fill gaps, and add a lesion only when the
body of the note documented none. An addendum corrects the lesion it names instead of adding
one. Kept apart from event finding because it sees the whole note's events at once and never
the text.
"""

from __future__ import annotations

import copy

from locaudit.facts import LesionFact
from locaudit.nlp.events import WEAK_SECTIONS, Event
from locaudit.nlp.mentions import DEVICE_ORDER, MARKERS
from locaudit.nlp.places import apart_in_depth, clock_distance, quadrant_has


class LesionGrouper:
    """Events in, lesions out; ``clock_tolerance`` (hours) is how far apart two clock faces of
    one lesion may be."""

    def __init__(self, clock_tolerance: float = 1.0) -> None:
        self.clock_tolerance = clock_tolerance
        self._later: set[int] = set()  # id(lesion) opened as 'the second lesion' or later
        self._stated: int | None = None  # the number of lesions the note states
        # set for a second pass when the note states more lesions than the first found: a
        # device placed in another sentence of the body then joins no lesion that already has
        # one, unless it names that lesion (label, clock face, clip)
        self._strict = False

    def group(
        self,
        events: list[Event],
        default_side: str | None,
        default_guidance: tuple | None,
        stated: int | None = None,
        sides_settled: bool = False,
    ) -> list[LesionFact]:
        """Distinguished events (label, clock or quadrant) make lesions first; the others
        join the lesion they fit, preferring the latest one before them in the text."""
        events = [e for e in events if not e.intraop]
        body = [e for e in events if e.section not in WEAK_SECTIONS]
        weak = [e for e in events if e.section in WEAK_SECTIONS]
        lesions: list[LesionFact] = []
        where: dict[int, int] = {}  # id(lesion) -> last anchor
        self._later = set()
        self._stated = stated

        # 'Two hookwires were placed in the left breast': devices the body put in one place
        several = max((e.several for e in body if not e.bracket), default=0)

        def may_create(event: Event) -> bool:
            # an addendum corrects the lesions it names; it adds one only under a new label
            # (an addendum that heads the re-issued report: 'Lesion 1: ... Lesion 2: ...')
            if event.section != "addendum" or not lesions:
                return True
            if event.label is not None and all(les.label != event.label for les in lesions):
                return True
            # 'Two hookwires were placed in the left breast.' then 'ADDENDUM: ... Wire 2 was
            # placed at the coil clip at left 11:00': while the note states more lesions (or the
            # body more devices in one place) than found, an addendum's own place that fits
            # none is one
            return (
                len(lesions) < max(stated or 0, several)
                and not event.bracket
                and self._elsewhere(event, lesions, another=True)
            )

        # events that say where they are come first (a bracketing pair too: 'I bracketed the
        # upper outer quadrant calcifications'); the others then join what they fit
        placed = [e for e in body if _distinct(e) and (not e.bracket or e.own_place)]
        for event in placed:
            self._place(event, lesions, where, create=may_create(event))
        first = {id(e) for e in placed}
        for event in [e for e in body if id(e) not in first]:
            self._place(event, lesions, where, create=may_create(event))
        had_body = bool(lesions)
        # 'For each breast ... the seed deployed.' with the places said only in the impression
        # ('1. ... Magseed placement, RIGHT breast 10:00 ... 2. ... LEFT breast 2:00'): the
        # body placed without saying where, so each restated place of its own is a lesion
        placeless = all(e.clock is None and e.quadrant is None and e.label is None for e in body)
        for event in weak:
            if not sides_settled and _contradicted(event, lesions):
                continue  # (an addendum that states the sides settles them)
            distinct = event.label is not None and all(les.label != event.label for les in lesions)
            # 'Ribbon clip first: ..., deployed. The other one next: ..., deployed.' and only
            # the impression says 'Wire at the 3 o'clock coil clip': while the note states more
            # lesions than the body placed, a restatement's own place that fits none of them
            # is one of the others
            missing = (
                stated is not None and len(lesions) < stated and self._elsewhere(event, lesions)
            )
            # 'Left 4:00 reflector (placed earlier today at Rossford) in expected position':
            # a device at a place of its own that the body did not place today is a lesion
            # whose sitting is open (the decision asks)
            earlier = event.earlier and self._elsewhere(event, lesions)
            restated = (
                placeless
                and self._elsewhere(event, lesions)
                # (not 'left 2:00 and right 10:00' after the body's 'LEFT: ...' and 'RIGHT: ...')
                and event.laterality not in {les.laterality for les in lesions} - {None}
            )
            self._place(
                event,
                lesions,
                where,
                create=not had_body or distinct or missing or earlier or restated,
                weak=True,
            )
        lesions.sort(key=lambda les: les.evidence[0][0] if les.evidence else 0)
        for lesion in lesions:
            if lesion.laterality is None and default_side and not lesion.side_contradicted:
                lesion.laterality = default_side
            if (
                lesion.guidance is None
                and default_guidance
                and not lesion.tomosynthesis_only
                and not lesion.guidance_unstated
            ):
                lesion.guidance = default_guidance[0]
                lesion.guidance_evidence.append(default_guidance[1])
            lesion.devices = sorted(set(lesion.devices), key=DEVICE_ORDER.index)
            lesion.device_named = bool(lesion.devices)
            if lesion.biopsy_evidence and lesion.devices and set(lesion.devices) <= MARKERS:
                lesion.purpose = "biopsy_marker"
        if (
            not self._strict
            and stated is not None
            and len(lesions) < stated
            and not any(e.bracket or e.correction for e in events)
        ):
            # 'two separate lesions' and one found: the placements were joined by what they
            # share (the breast, the table); read each body placement as its own lesion
            self._strict = True
            try:
                again = self.group(
                    [copy.copy(e) for e in events], default_side, default_guidance, stated,
                    sides_settled,
                )  # fmt: skip
            finally:
                self._strict = False
            if len(lesions) < len(again) <= stated:
                return again
        return lesions

    def _place(
        self,
        event: Event,
        lesions: list[LesionFact],
        where: dict[int, int],
        create: bool = True,
        weak: bool = False,
    ) -> None:
        """Put an event into the lesion it belongs to, or a new one when ``create`` allows."""
        if event.label is not None and (event.label_from_focus or event.own_place):
            labelled = next((les for les in lesions if les.label == event.label), None)
            if labelled is not None and not self._fits(labelled, event, use_label=False):
                event.label = None  # its own side or clock says another lesion than the focus
            elif (
                labelled is None
                and event.label_from_focus
                and event.own_place
                and any(
                    _same_spot(les, event) and self._fits(les, event, use_label=False)
                    for les in lesions
                )
            ):
                # '... re target 2. One wire placed (L 3:00).': the label the focus carried
                # names no lesion yet, the clock face names target 1
                event.label = None
        target = self._target(event, lesions, where, weak)
        if target is None and not create:
            if event.correction and lesions:
                target = self._corrected(event, lesions)
            else:
                return
        if target is None:
            target = LesionFact(label=event.label)
            lesions.append(target)
            if (event.label is not None and event.label >= 2) or (event.another and not weak):
                # 'the second lesion', 'a third wire ... at the coil clip': a device said
                # before it marked an earlier lesion
                self._later.add(id(target))
        self._absorb(target, event, fill_only=weak)
        where[id(target)] = max(where.get(id(target), 0), event.anchor)

    def _target(
        self, event: Event, lesions: list[LesionFact], where: dict[int, int], weak: bool
    ) -> LesionFact | None:
        """The lesion an event belongs to, or None for a new one: by the named clip it was
        aimed at, its label, its place, or else the latest lesion it fits."""
        target = self._target_of(event, lesions, where, weak)
        if (
            self._strict
            and target is not None
            and not weak
            and event.device is not None
            and target.devices
            and event.sentence not in target.evidence
            and not (event.label is not None and target.label == event.label)
            and not _same_spot(target, event)
            and not (event.marker and target.marker == event.marker)
        ):
            return None
        return target

    def _target_of(
        self, event: Event, lesions: list[LesionFact], where: dict[int, int], weak: bool
    ) -> LesionFact | None:
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
            # (a lesion another device of this sentence opened at another place is not this
            # one's: 'site 1 RT axillary tail ..., site 2 RT 10:00': 10:00 is in the tail's
            # quadrant, but the sentence said two places)
            fitting = [
                les
                for les in lesions
                if self._fits(les, event)
                and not (
                    event.own_place
                    and not event.bracket
                    and event.sentence in les.evidence
                    and not _same_spot(les, event)
                )
            ]
            exact = [
                les
                for les in fitting
                if _same_spot(les, event)
                or _same_quadrant(les, event)
                or _in_quadrant(les, event)
                or _bracket_pair(les, event)
            ]
            unplaced = [les for les in fitting if les.clock is None and les.quadrant is None]
            if event.marker:  # 'wire 1 through the X clip at 1:00': not the coil clip's lesion
                unplaced = [les for les in unplaced if les.marker in (None, event.marker)]
            target = (exact or unplaced or [None])[-1]
            if (
                target is not None
                and not event.own_place
                and self._one_more(target, event, weak)
                and not self._all_found(lesions)
            ):
                event.clock = event.quadrant = None  # the focus's place is the other lesion's
                event.depth = event.nipple_cm = None
                event.location = []
                return None
            return target
        fitting = [les for les in lesions if self._fits(les, event, bracket=event.bracket)]
        before = [les for les in fitting if where.get(id(les), 0) <= event.anchor]
        target = max(before, key=lambda les: where[id(les)]) if before else None
        after = fitting[0] if fitting else None
        if (
            target is None
            and after is not None
            and id(after) not in self._later
            and not (event.marker and after.marker and event.marker != after.marker)
        ):
            # a device said before the lesion it may belong to joins it, unless that one is
            # 'the second, separate lesion', or aimed at another biopsy clip: the device before
            # it marked the first
            target = after
        if (
            target is not None
            and self._one_more(target, event, weak)
            and not self._all_found(lesions)
        ):
            event.location = []
            event.depth = event.nipple_cm = None
            return None
        return target

    def _elsewhere(self, event: Event, lesions: list[LesionFact], another: bool = False) -> bool:
        """A device placed at a place of its own that fits none of the lesions found: the
        one condition under which a restatement or an addendum may add a lesion. With
        ``another``, 'a third I-125 seed ... deposited' at the place the sentence before
        named (an addendum's) counts too."""
        return (
            (event.own_place or (another and event.another))
            and event.device is not None
            and _distinct(event)
            and not any(self._fits(les, event) for les in lesions)
        )

    def _all_found(self, lesions: list[LesionFact]) -> bool:
        """As many lesions as the note states already: 'The third wire was then placed' after
        'a hookwire at each site' of three is one of them, not a fourth."""
        return self._stated is not None and self._stated >= 2 and len(lesions) >= self._stated

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
        named = event.device_ordinal  # the lesion label nearest to the statement
        target = next((les for les in lesions if named is not None and les.label == named), None)
        target = target or lesions[-1]
        if event.laterality:
            target.laterality = event.laterality
        if event.guidance:
            target.guidance = event.guidance
        return target

    def _fits(
        self, lesion: LesionFact, event: Event, bracket: bool = False, use_label: bool = True
    ) -> bool:
        """Could the event be this lesion? Not with another label, side (unless it corrects),
        clock face beyond the tolerance or quadrant; a bracketing device fits whatever the
        clock says."""
        labels = (event.label, lesion.label)
        if use_label and None not in labels and labels[0] != labels[1]:
            return False
        if event.laterality and lesion.laterality and event.laterality != lesion.laterality:
            return event.correction
        if event.finding and lesion.finding and event.finding != lesion.finding:
            return False  # 'the mass' is not 'the calcifications' (when kinds tell apart)
        if bracket or event.bracket:
            return True
        if apart_in_depth(lesion, event):
            return False
        if (
            event.numbered
            and event.marker
            and lesion.marker
            and event.marker != lesion.marker
            and event.sentence in lesion.evidence
        ):
            return False  # 'seed 1 at the ribbon clip, seed 2 at the coil clip'
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
        if event.side_conflict and not fill_only:
            lesion.laterality, lesion.side_contradicted = None, True
        if event.guidance and (
            event.correction
            or (lesion.guidance is None and not lesion.tomosynthesis_only)
            # stereo + tomo is stereotactic, when the stereo is said of this lesion (not the
            # unit's 'stereotactic attachment' carried to 'Wires taped.')
            or (lesion.tomosynthesis_only and not fill_only and event.guidance_own)
            # its own sentence's modality beats one carried over from the lesion before:
            # '... the patient was moved to the US room and a reflector was placed under
            # real-time ultrasound guidance'
            or (event.guidance_own and not lesion.guidance_own and not fill_only)
        ):
            lesion.guidance = event.guidance
            lesion.guidance_own = lesion.guidance_own or event.guidance_own
            lesion.tomosynthesis_only = False
            if event.guidance_span:
                lesion.guidance_evidence.append(event.guidance_span)
        elif event.guidance_unstated and not fill_only and lesion.guidance is None:
            lesion.guidance_unstated = True
        elif event.tomo and (lesion.guidance is None or event.correction):
            lesion.guidance = None  # an addendum: 'placed with tomosynthesis guidance alone'
            lesion.tomosynthesis_only = True
        # a clock face and a quadrant are kept together only if they agree (not 'upper outer'
        # for the right 7 o'clock lesion)
        sides = {lesion.laterality} - {None}
        if (
            lesion.clock is None
            and event.clock is not None
            and (lesion.quadrant is None or quadrant_has(lesion.quadrant, event.clock, sides))
        ):
            lesion.clock = event.clock
        if (
            lesion.quadrant is None
            and event.quadrant
            and (lesion.clock is None or quadrant_has(event.quadrant, lesion.clock, sides))
        ):
            lesion.quadrant = event.quadrant
        lesion.depth = lesion.depth or event.depth
        if lesion.nipple_cm is None:
            lesion.nipple_cm = event.nipple_cm
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
        if event.finding and lesion.finding is None:
            lesion.finding = event.finding
        if event.biopsy and event.device in MARKERS:
            lesion.biopsy_evidence.append(event.biopsy)
        if event.sentence not in lesion.evidence:
            lesion.evidence.append(event.sentence)


def _same_spot(lesion: LesionFact, event: Event) -> bool:
    """Within half an hour on the clock face: surely the same lesion, not merely compatible."""
    return (
        event.clock is not None
        and lesion.clock is not None
        and clock_distance(event.clock, lesion.clock) < 0.5
        and not apart_in_depth(lesion, event)
    )


def _bracket_pair(lesion: LesionFact, event: Event) -> bool:
    """Two devices said to bracket, at one clock face: the anterior and posterior ends of one
    lesion ('reflector #1 at the anterior margin, R 10:00, 4 cm FN ... #2 at the posterior
    margin of the same cluster, R 10:00, 9 cm FN'), however far apart in depth."""
    return (
        event.bracket
        and lesion.bracketed
        and event.clock is not None
        and lesion.clock is not None
        and clock_distance(event.clock, lesion.clock) < 0.5
    )


def _in_quadrant(lesion: LesionFact, event: Event) -> bool:
    """A lesion known by its quadrant only ('the upper outer site') and a clock face in that
    quadrant said later ('the first wire ... in the upper outer quadrant at 2 o'clock')."""
    return (
        lesion.clock is None
        and lesion.quadrant is not None
        and event.clock is not None
        and not event.another  # 'a second reflector at 2 o'clock', not the first one's
        and quadrant_has(lesion.quadrant, event.clock, {lesion.laterality} - {None})
    )


def _same_quadrant(lesion: LesionFact, event: Event) -> bool:
    """Both placed by the one quadrant alone ('the upper outer quadrant calcifications', then
    'These two wires mark its margins'): the same lesion, unless the note says otherwise."""
    return (
        event.clock is None
        and lesion.clock is None
        and event.quadrant is not None
        and event.quadrant == lesion.quadrant
        and not event.another  # 'a second hookwire placed in the upper outer quadrant'
    )


def _distinct(event: Event) -> bool:
    """Does the event say where it is? Such events make lesions before the others join them."""
    return event.clock is not None or event.quadrant is not None


def _contradicted(event: Event, lesions: list[LesionFact]) -> bool:
    """'Lesion 2: right breast 4:00 ...' and then 'Impression: 2. ... left breast 4:00': a
    restatement that puts the one lesion at that clock face in the other breast leaves its
    side undocumented (the decision asks)."""
    if event.clock is None or not event.laterality or not event.own_place:
        return False
    same = [
        les
        for les in lesions
        if les.clock is not None and clock_distance(les.clock, event.clock) < 0.5
    ]
    if len(same) == 1 and same[0].laterality and same[0].laterality != event.laterality:
        same[0].laterality = None
        same[0].side_contradicted = True
        same[0].laterality_evidence.append(event.sentence)  # where the note says otherwise
        return True
    return False
