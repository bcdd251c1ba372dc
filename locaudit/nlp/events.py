"""Placement events: what one sentence says was placed, and where.

A device mention is placed *now* when it is affirmed (not negated, historical, hypothetical,
nor the target of another device) and an affirmed placement act in its clause licenses it; a
localization act with no device named ('lesion 2 was localized') is an event too. This module
turns one sentence's mentions (with the discourse focus for what the sentence leaves unsaid)
into :class:`Event` values, so that grouping never has to look at tokens again. The sentence
loop, the focus itself and the note-level facts stay in :mod:`locaudit.nlp.lesions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from spacy.tokens import Doc

from locaudit.nlp.extensions import note_lowers, note_text
from locaudit.nlp.mentions import (
    DEFINITE,
    MARKERS,
    PLACEABLE,
    QUADRANTS,
    UNITS,
    Mention,
    clock_value,
    count_value,
    depth_of,
    finding_kind,
    gap,
    lesion_number,
    marker_name,
    nipple_cm,
    real_guides,
    sides_disagree,
)

# Title, findings, impression and procedure summaries restate lesions (grouping lets them only
# fill gaps); a terse line with no verb reports a placement only in the body sections.
WEAK_SECTIONS = frozenset({"title", "impression", "findings", "summary"})
BODY_SECTIONS = frozenset({"procedure", "technique", "supplies", "other", "addendum"})
# Between a placement act and a device, these start another clause: in 'a needle was advanced
# but the second wire could not be passed' the wire is not the object of 'advanced'.
CLAUSE_BREAKS = frozenset({";", "but", "however", "although", "though", "whereas"})
STEP_OPENERS = frozenset({"a", "an", "another", "the", "we", "i", "she", "he", "\n", "our"})
SEQUENCE_WORDS = frozenset({"subsequently", "afterwards", "afterward", "thereafter"})
OWN_ACTS = frozenset(
    {"placed", "deployed", "inserted", "sited", "positioned", "advanced", "released"}
)
CARRIED = frozenset({"guidance", "tomo"})  # the equipment stays when the next lesion starts
KIND_WINDOW = 15  # tokens at most between a device and the finding it was placed in
DEVICE_ONLY_ACTS = frozenset({"deployed"})  # nothing but a device is deployed
# what may come before a log line's first word: a list mark, bullet, or time and bar
LINE_LEAD = re.compile(
    r"[ \t]*(?:(?:\d{1,2}[.)]|[A-Za-z][.)]|[-*\u2022]|\d{3,4}h?[ \t]*\|?)[ \t]*)?"
)
NUMBERED = re.compile(r"#?\d|#")  # 'wire 1', 'seed #2'
SEED_KINDS = frozenset({"seed", "radioactive_seed", "magnetic_seed"})
DATE_REACH = 20  # tokens at most between a date and the placement it dates
LICENSE_WINDOW = 18  # tokens at most between a placement act and the device it places
_GAUGE_OR_CORES = re.compile(r"^(\d{1,2}-?(g|ga|gauge)|x\d{1,2}|\d{1,2}x)$")


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
    depth: str | None = None
    nipple_cm: float | None = None
    location: list[Mention] = field(default_factory=list)
    guidance: str | None = None
    guidance_span: tuple[int, int] | None = None
    guidance_own: bool = False  # said in the event's own sentence, not the focus's
    guidance_unstated: bool = False  # 'under imaging guidance': guided, modality unsaid
    tomo: bool = False
    bracket: bool = False
    biopsy: tuple[int, int] | None = None
    intraop: bool = False
    device_ordinal: int | None = None
    another: bool = False  # 'a second wire', 'another seed': one more device of its kind
    numbered: bool = False  # 'wire 2 was placed there': a device numbered after the first
    several: int = 0  # 'two reflectors were placed in the UOQ calcifications': devices put there
    side_conflict: bool = False  # its own line gives two sides ('Left / Derecha')
    marker: str | None = None  # the biopsy clip it was aimed at ('coil', 'barbell')
    finding: str | None = None  # the kind of finding it was placed in ('mass')
    own_place: bool = False  # the clock face is in the event's own sentence, not the focus
    correction: bool = False
    earlier: bool = False  # its sentence leaves its sitting open ('placed earlier today')


class Inventory(NamedTuple):
    """What the note has listed of its lesions, for a placement said once 'at each site'."""

    labels_named: int = 0  # lesions named by label anywhere ('Site A ... Site C'), if 1..N
    listed: tuple[float | str, ...] = ()  # places named so far (clock or quadrant), indication too
    stated_count: int | None = None  # the number of lesions stated so far ('x3')


def sentence_events(
    doc: Doc,
    found: list[Mention],
    sent_span: tuple[int, int],
    section: str,
    focus: dict,
    seed_kind: str | None,
    breaks: list[int],
    labels_seen: int = 0,
    inventory: Inventory | None = None,
) -> list[Event]:
    """The placements one sentence reports, each with the attributes it can be given.

    A device counts when an affirmed placement act in its clause licenses it (or, in a terse
    procedure line, when the line says how or where); a localization act with no device named
    is an event of its own. ``focus`` supplies what the sentence leaves unsaid, ``breaks`` are
    the token offsets of clause breaks, ``labels_seen`` the highest lesion label so far,
    ``inventory`` what the note has listed of its lesions."""
    dates = _other_dates(found) if other_session(found) else []
    if _aftercare(found):
        return []  # 'Wire dressed.', 'Wires were secured with a dressing.': care, no placement
    all_devices = [m for m in found if m.label == "DEVICE"]
    bracketing = {m.span for m in found if m.label == "BRACKET"}
    acts = [
        m
        for m in found
        if m.label == "PLACE"
        and not any(_inside(m, d) for d in all_devices)
        and not (m.span in bracketing and m.context.status == "negated")
    ]  # 'localization devices', 'localization needle' name a thing, not an act; 'a separate
    # lesion, not bracketing' denies no placement
    places = [m for m in acts if m.affirmed and not _captured(m, all_devices)]
    devices = [m for m in all_devices if m.affirmed]
    localizing = [d for d in devices if d.value in PLACEABLE]
    unnamed = not localizing and any(m.label == "UNNAMED_DEVICE" and m.affirmed for m in found)
    if unnamed:
        # 'ribbon clip (DCIS) -- localizer deployed at clip': the device placed is unnamed,
        # the clip is its target
        devices = []
    if acts and not places:
        return []  # every placement act here is negated, planned, past or of another device
    if not places:
        # Terse procedure lines name the device without a verb ('HOOKWIRE THROUGH THE
        # BARBELL CLIP, STEREO PAIR'): a new localizing device (not 'the wire', which
        # refers back) in the body of the note counts when the line says how or where.
        # (or 'I-125 seeds ... via 18g preloaded needles, one per site')
        how = _says_how(found, focus) or PER_PLACE.search(note_text(doc), *sent_span) is not None
        if not how or not (section in BODY_SECTIONS or focus.get("list_item")):
            return []
        devices = [d for d in localizing if not d.definite]
        # 'Device type: clip   Brand: SecurMark': a form's device field names what was placed
        devices += [
            d
            for d in found
            if d.label == "DEVICE"
            and d.affirmed
            and d.value in MARKERS
            and _in_device_field(doc, d)
        ][:1]
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
            if p.value != "localization" or p.end >= len(doc) or not _found_object(doc, p, devices)
        ]
        licensed = [
            d for d in devices if _licensed(d, places, blockers, breaks) and not _captured(d, acts)
        ]
        # 'Seed 1 - LT breast 1:00, upright stereotactic, depth 42 mm, target = bx clip
        # (ribbon) - implanted 0917': a log line's device, first on its line, is what the act
        # closing the line placed, however long the line
        licensed += [
            d
            for d in devices
            if d not in licensed
            and _heads_line(doc, d)
            and any(
                p.start > d.end
                and "\n" not in doc[d.end : p.start].text
                and not any(d.end <= b < p.start for b in breaks)
                and not any(d.end <= m.start < p.start for m in blockers)
                for p in places
            )
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
        if not licensed and not blockers and section in BODY_SECTIONS and _says_how(found, focus):
            # 'The left breast was then placed in the aperture ..., new scout and pair,
            # lidocaine, 20 g hookwire; hook at the coil clip': the act placed the breast;
            # the terse list still names the device placed, as in a line with no verb
            licensed = [d for d in localizing if not d.definite and not _captured(d, acts)]
        # 'a localizer was placed at the clip': a clip after 'at', 'to', 'beyond'... is where
        # the device went, not a device placed
        devices = [
            d
            for d in licensed
            if not (d.value in MARKERS and (_aimed_at(doc, d) or _in_parentheses(doc, d, places)))
        ]  # ... nor one named in parentheses ('Site 2, left 8 o'clock (DCIS, coil clip)')
        # 'localized' is said of a lesion or a wire/seed, not of the clip marking it
        if all(p.value == "localization" for p in places):
            devices = [d for d in devices if d.value in PLACEABLE]
        if localizing:
            # Beside a wire or seed, a clip is usually its target: it counts as placed
            # only with its own placement verb close by ('... and a clip was deployed').
            acts_of_placing = [p for p in places if p.value != "localization"]
            devices = [
                d
                for d in devices
                if d in localizing
                or (_near(d, acts_of_placing, 2) and not d.definite)
                or (not d.definite and _coordinated(doc, d, localizing))
            ]  # 'targeted the mass and its clip and placed a wire': the clip is the target;
            # 'a marker clip and a hookwire were placed': both were
        devices = _numbered_after_colon(doc, devices, localizing) or devices
    intraop = any(m.label == "INTRAOP" and m.context.status == "affirmed" for m in found)
    # (not a denied one: "separate lesions, not a bracketed single lesion")
    brackets = [m.start for m in found if m.label == "BRACKET" and m.context.status != "negated"]
    bracket = bool(brackets)
    correction = any(m.label == "CORRECTION" for m in found) or section == "addendum"
    anchors: list[tuple[str | None, int]] = []
    last = None
    for d in devices:
        kind = seed_kind if d.value == "seed" else d.value
        if last is not None and last.value == d.value and d.start - last.end <= 1:
            last = d  # 'SAVI SCOUT reflector', 'Magseed magnetic seed': one device, two names
            continue
        anchors.append((kind, d.start))
        last = d
    bare = (  # 'b. Lesion #2: L 6 o'clock, coil clip. Stereo pair. Localized per protocol.'
        ("label" in focus or ("clock" in focus and not focus.get("several")))
        and section in BODY_SECTIONS
        # (a clip it was aimed at is its target: 'Localized successfully at the clip.')
        and all(d.value in MARKERS and _aimed_at(doc, d) for d in all_devices)
        and not any(  # 'localized on the mammogram', not 'the breast was repositioned and ...'
            m.label == "BREAST" and m.text.lower() not in ("breast", "breasts") for m in found
        )
    )
    # 'stereo pair each, LOC at each clip': a localization at every place the note listed
    if not anchors and (
        _has_object(found)
        or bare
        or (section in BODY_SECTIONS and EVERY.search(note_text(doc), *sent_span) is not None)
    ):
        # 'lesion 2 was localized': an act with no device named, aimed at a breast finding
        # ('the needle was advanced and deployed at the ribbon clip': deployed is said of a
        # device only, even unnamed)
        anchors = [
            (None, p.start)
            for p in places
            if p.value == "localization" or p.text.lower() in DEVICE_ONLY_ACTS or unnamed
        ][:1]
    if dates:
        # 'localized yesterday with a SCOUT reflector': another session; but in a run-on report
        # ('... DCIS at 10 o'clock, both from stereotactic biopsies on 02/04, lumpectomy planned
        # ..., the heart clip was targeted and a reflector deployed, ...') the biopsy's date is
        # far from today's placement and does not date it
        # (a clip is placed at a biopsy, which the sentence's date dates: 'biopsied under MRI
        # guidance on 08/16 ..., and a cylinder clip was deployed at the cavity')
        anchors = [
            (kind, at)
            for kind, at in anchors
            if (kind is None or kind in PLACEABLE) and not any(_near_date(at, d) for d in dates)
        ]
    if not anchors:
        return []
    # 'a second wire' is said of the device: keep it with the event when the anchors move
    another = [_another(doc, start) for _kind, start in anchors]
    numbered = [_numbered(doc, start) for _kind, start in anchors]
    spread = _respectively(doc, sent_span, anchors, found) or _spread(
        doc, sent_span, anchors, devices, found, focus, bracket, labels_seen, section,
        inventory or Inventory(),
    )  # fmt: skip
    shared_place = (
        not spread
        and not bracket
        and section in WEAK_SECTIONS
        and _plural(devices, found)
        and len({m.text.lower() for m in found if m.label == "LOCATION"}) == 1
    )
    # 'Two SCOUT reflectors were placed in the left upper outer quadrant calcifications': how
    # many devices one placement in one place put there, none said to bracket
    several = 0
    if (
        not spread
        and not bracket
        and (
            section not in WEAK_SECTIONS
            # (a template's 'FINDINGS: Two SCOUT reflectors placed at left 2:00: ...' narrates
            # the placing; not the surgeon's 'marked with two surgical clips')
            or (section == "findings" and all(m.value in PLACEABLE for m in devices))
        )
        and len(anchors) == 1
        and not any(m.label == "NONBREAST" for m in found)  # 'left breast and left axilla'
    ):
        counts = [m for m in found if m.label == "COUNT"]
        if not any(m.text.split()[-1].isalpha() for m in counts):  # not '2 lesions', 'both sites'
            stated = [count_value(m.text) or 0 for m in counts]
            several = max(stated, default=0) or (2 if _plural(devices, found) else 0)
    events = []
    lowers = note_lowers(doc)
    stretches, by_marker = None, False
    if not (spread or bracket):
        clocks = [m.start for m in found if m.label == "LOCATION" and m.value == "clock"]
        stretches = _own_stretches(anchors, clocks)
        if stretches is None and not clocks:
            # 'seed 1 at the coil clip, seed 2 ... medial to the X clip': each device's own
            # clip, as a clock face would be
            aimed = [m.start for m in found if marker_name(m) is not None]
            stretches = _own_stretches(anchors, aimed)
            by_marker = stretches is not None
    for i, (kind, anchor) in enumerate(anchors):
        event = Event(
            kind,
            anchor,
            sent_span,
            section,
            bracket=any(
                not (_separated(doc, anchor, b) or _other_lesion(anchor, b, lowers, found))
                for b in brackets
            ),
            intraop=intraop,
            correction=correction,
        )
        segment = [m for m in found if not _separated(doc, anchor, m.start)]
        if stretches is not None:
            low, high = stretches[i]
            # (a device after its place has its side there too: '1 R 9:00 ... seed 2 3:00 ...
            # seed' leaves the second without one)
            scoped = ("LOCATION", "LATERALITY") if low < anchor else ("LOCATION",)
            if by_marker:
                scoped = ("DEVICE",)
            segment = [
                m
                for m in segment
                if m.label not in scoped
                or low <= m.start < high
                or (by_marker and marker_name(m) is None)
            ]
        moved = [
            m.start for m in found if m.label == "INTERRUPT" and m.affirmed and m.start < anchor
        ]
        if moved:
            # 'The stereotactic table was then needed ..., so she was walked to Procedure Room
            # 3, where ... a second Magseed deployed': the guidance before the move is not this
            segment = [m for m in segment if not (m.label == "GUIDANCE" and m.start < max(moved))]
        # the focus already holds this sentence's places: if they are in another part of
        # a run-on sentence ('..., and then ... at 6 o'clock'), they are not this event's
        elsewhere = any(
            m.label == "LOCATION" and m.value == "clock" for m in found if m not in segment
        )
        known = focus
        if elsewhere or (by_marker and len(inventory.listed) >= len(anchors)):
            # (each at its own clip, after the note listed as many places: the clip tells which)
            known = {k: v for k, v in focus.items() if k not in ("clock", "quadrant")}
        owned = (  # an impression's list: '... carcinoma with a hookwire, and the 2 o'clock'
            section in WEAK_SECTIONS
            and anchor > 1
            and (
                lowers[anchor - 1] == "with"
                or (lowers[anchor - 1] in ONE_WORDS and lowers[anchor - 2] == "with")
            )
        )
        _attribute(event, segment, known, lowers, note_text(doc), owned_before=owned)
        event.another = another[i] if i < len(another) else another[0]
        event.numbered = numbered[i] if i < len(numbered) else numbered[0]
        if event.marker is None and not (event.own_place or event.another or known.get("several")):
            # '... a new stereo pair was used to target the cylinder clip. A wire was deployed
            # there.'
            event.marker = known.get("marker")
        if spread:
            told = spread.pop(0)
            for key, value in told.items():
                setattr(event, key, value)
            event.label_from_focus = False
            own = _labelled_guide(found, told.get("label"))
            if own is not None:  # 'x2: lesion 1 stereotactic, lesion 2 ultrasound-guided'
                event.guidance, event.guidance_span = own.value, own.span
        elif several >= 2 and any(m.label == "PLACE" and m.affirmed for m in found):
            event.several = several
        if shared_place:
            # 'Post-procedure mammogram: two reflectors in the upper central right breast, 2 cm
            # apart': the one place said of several devices is no lesion's own
            event.clock = event.quadrant = event.depth = event.nipple_cm = None
            event.location = []
        events.append(event)
    _former_latter(events, lowers, sent_span, doc, focus)
    # merge duplicates: several device words for one placement ('Kopans wire ... hookwire')
    merged: list[Event] = []
    for event in events:
        twin = next((e for e in merged if _same_place(e, event)), None)
        if twin is None:
            merged.append(event)
        elif event.device and event.device != twin.device:
            merged.append(event)  # two device types at one lesion: grouping joins them
    return merged


def _numbered_after_colon(
    doc: Doc, devices: list[Mention], localizing: list[Mention]
) -> list[Mention]:
    """'Three wires were placed under stereotactic guidance: wire 1 at the anterior clip
    (10:00), wire 2 at the posterior clip (10:00), wire 3 at the ribbon clip at 6:00': the
    devices numbered after the colon are the ones placed (each at its own place), not the
    plural that announced them. Empty when the sentence has no such list."""
    lowers = note_lowers(doc)
    colons = [
        i for d in devices for i in range(d.end, min(d.end + 12, len(lowers))) if lowers[i] == ":"
    ]
    if not colons:
        return []
    colon = min(colons)
    numbered = [
        d
        for d in localizing
        if d.start > colon and d.end < len(lowers) and NUMBERED.fullmatch(lowers[d.end]) is not None
    ]
    if len(numbered) < 2 or len({d.value for d in numbered}) != 1:
        return []
    # ('a Magseed deployed: seed 1 at the coil clip, seed 2 ...': a seed numbered is the seed
    # named before it)
    kinds = {numbered[0].value}
    if numbered[0].value == "seed":
        kinds |= SEED_KINDS
    announced = [d for d in devices if d.end <= colon and d.value in kinds]
    if not announced:
        return []
    return [d for d in devices if d not in announced and (d.start < colon or d in numbered)]


def _other_lesion(anchor: int, bracket: int, lowers: list[str], found: list[Mention]) -> bool:
    """'wires 1 and 2 bracket ONE lesion; wire 3 localizes the second, separate lesion': a
    device in another clause that names a lesion of its own is not the bracket's."""
    low, high = min(anchor, bracket), max(anchor, bracket)
    if ";" not in lowers[low:high]:
        return False
    cut = max(i for i in range(low, high) if lowers[i] == ";")
    return any(
        m.label == "LESION" and m.affirmed and (m.start > cut if anchor > cut else m.start < cut)
        for m in found
    )


def _former_latter(
    events: list[Event], lowers: list[str], sent_span: tuple[int, int], doc: Doc, focus: dict
) -> None:
    """'The distortion was targeted ... and the asymmetry ... The former was localized with a
    hookwire and the latter with a Magseed': each device is the finding it points back to."""
    kinds = focus.get("kinds_listed") or []
    if len(events) != 2 or len(kinds) != 2 or any(e.finding for e in events):
        return
    first = doc.char_span(*sent_span, alignment_mode="expand")
    if first is None:
        return
    words = lowers[first.start : first.end]
    if "former" not in words or "latter" not in words:
        return
    former = first.start + words.index("former")
    latter = first.start + words.index("latter")
    for event in events:  # the one said last before the device ('the latter with a Magseed')
        before = [
            (at, kind) for at, kind in ((former, kinds[0]), (latter, kinds[1])) if at < event.anchor
        ]
        if before:
            event.finding = max(before)[1]


def is_summary(found: list[Mention]) -> bool:
    """'Stereotactic wire localization left breast x 2', '== PROCEDURE 2: STEREOTACTIC MAGSEED
    LOCALIZATION, LEFT BREAST ==': a procedure name (a count of lesions, or a heading in capitals)
    with no place of its own restates the procedure, like a title."""
    act = any(m.label == "PLACE" and m.value == "localization" for m in found)
    places = any(
        m.label == "LOCATION" and m.value in ("clock", "uoq", "uiq", "loq", "liq") for m in found
    )
    if not act or places:
        return False  # 'hookwire x2 (1 per site)' counts devices placed; a place is its own
    named = [m for m in found if m.label in ("PLACE", "DEVICE", "GUIDANCE", "LATERALITY")]
    heading = all(m.text.isupper() for m in named)
    counts = [count_value(m.text) or 0 for m in found if m.label == "COUNT"]
    return heading or max(counts, default=0) >= 2


def other_session(found: list[Mention]) -> bool:
    """A sentence about another session ('placed on 02/11', 'yesterday') and not this one."""
    sessions = {
        m.value
        for m in found
        if m.label == "SESSION"
        and m.context.status != "negated"
        # 'so no device was placed today' ties nothing to this session
        and not (m.value == "same" and _in_denial(m, found))
    }
    return "other" in sessions and "same" not in sessions


def _other_dates(found: list[Mention]) -> list[Mention]:
    """The sentence's mentions of another session ('on 02/04', 'yesterday')."""
    return [
        m
        for m in found
        if m.label == "SESSION" and m.value == "other" and m.context.status != "negated"
    ]


def dates_a_localization(found: list[Mention]) -> bool:
    """Does a date of another session in this sentence date one of its localizations (a wire,
    seed or reflector, or a localization act), not only a biopsy told in a history clause?"""
    localizing = [
        m.start
        for m in found
        if (m.label == "PLACE" and m.value == "localization")
        or (m.label == "DEVICE" and m.value in PLACEABLE)
    ]
    return any(any(_near_date(at, day) for at in localizing) for day in _other_dates(found))


def _near_date(anchor: int, day: Mention) -> bool:
    """Is a placement at ``anchor`` dated by this date? A past date said in a history clause
    dates what is within ``DATE_REACH`` tokens; another ('tomorrow's procedures (05/05): ...,
    then ...') the whole sentence."""
    if day.context.status != "historical":
        return True
    return min(abs(anchor - day.end), abs(day.start - anchor)) <= DATE_REACH


def _in_denial(day: Mention, found: list[Mention]) -> bool:
    """A 'today' said of a denied placement ('no device was placed today')."""
    return any(
        m.label == "PLACE" and m.context.status == "negated" and 0 <= day.start - m.end <= 2
        for m in found
    )


def _coordinated(doc: Doc, device: Mention, others: list[Mention]) -> bool:
    """'a marker clip and a hookwire were placed': joined by 'and' to a placed device."""
    glue = {"and", "a", "an", ",", "one", "1"}
    for other in others:
        if device.end <= other.start:
            words = {t.lower_ for t in doc[device.end : other.start]}
        else:
            words = {t.lower_ for t in doc[other.end : device.start]}
        if "and" in words and words <= glue:
            return True
    return False


def _respectively(
    doc: Doc, sent_span: tuple[int, int], anchors: list[tuple[str | None, int]], found
) -> list[dict]:
    """'a marker clip and a hookwire were placed at the subareolar and upper outer quadrant
    lesions, respectively': the n-th device goes to the n-th place. Re-anchors each event at its
    place (so it reads the side written there) and returns what each event is told."""
    said = note_text(doc)[sent_span[0] : sent_span[1]]
    if len(anchors) < 2 or "respectively" not in said.lower():
        return []
    last = max(start for _kind, start in anchors)
    word = next((t.i for t in doc[last : last + 40] if t.lower_ == "respectively"), None)
    if word is None:
        return []
    places = [  # the devices first, then their places, then 'respectively'
        m
        for m in found
        if m.label == "LOCATION"
        and (m.value == "clock" or m.value in QUADRANTS)
        and last < m.start < word
    ]
    if len(places) != len(anchors) or word - places[-1].end > 8:
        return []
    told = []
    for i, place in enumerate(places):
        anchors[i] = (anchors[i][0], place.start)
        if place.value == "clock":
            told.append({"clock": clock_value(place.text), "quadrant": None})
        else:
            told.append({"quadrant": place.value, "clock": None})
    return told


# words before a lesion's label that measure this one from it ('8 cm from lesion 1'); not 'to'
# ('attention was turned to lesion 2' names this one)
REFERENCE_WORDS = frozenset({"from", "than", "versus", "vs", "vs."})
# 'Device: same as lesion 1 (Kopans 9 cm wire)' in lesion 2's block: lesion 1 is referred to
REFERENCE_PAIRS = frozenset({("same", "as"), ("as", "for"), ("similar", "to"), ("identical", "to")})


def refers_to_other(lowers: list[str], start: int) -> bool:
    """Is the lesion label at ``start`` named to measure from or compare with ('5 cm from
    lesion 1', 'same as lesion 1'), not as what the sentence is about?"""
    if start > 0 and lowers[start - 1] in REFERENCE_WORDS:
        return True
    return start > 1 and (lowers[start - 2], lowers[start - 1]) in REFERENCE_PAIRS


# distances from the nipple this far apart (cm) are two places at one clock face
NIPPLE_APART = 2.0
SINGULAR_S = frozenset({"kopans"})  # one Kopans needle-wire, not several


def _plural(devices: list[Mention], found: list[Mention]) -> bool:
    """Several devices: 'wires', 'Magseed x2', 'two reflectors'."""
    return any(
        d.text.lower().endswith("s") and d.text.lower() not in SINGULAR_S for d in devices
    ) or any((count_value(m.text) or 0) >= 2 for m in found if m.label == "COUNT")


ONE_WORDS = frozenset({"a", "an", "one", "single"})  # 'with a hookwire': one device
EACH = re.compile(r"\b(?:each|both)\b", re.IGNORECASE)
# 'at each site', 'one per lesion' (not 'both wires at target')
EVERY = re.compile(
    r"\b(?:each|every|all)\s+(?:of\s+the\s+)?(?:\w+\s+)?(?:site|lesion|target|area|location)s?\b"
    r"|\b(?:at|in|into|for)\s+each\b|\bper\s+(?:lesion|site|target)\b",
    re.IGNORECASE,
)


def _spread(
    doc: Doc,
    sent_span: tuple[int, int],
    anchors: list[tuple[str | None, int]],
    devices: list[Mention],
    found: list[Mention],
    focus: dict,
    bracket: bool,
    labels_seen: int,
    section: str,
    inventory: Inventory,
) -> list[dict]:
    """One plural placement over several lesions is one event per lesion: per clock face
    ('wires at 2:00 and 10:00', 'hookwire x2' after 'L 12:00 + L 3:00'), or per labelled
    lesion ('Magseed x3, one per lesion' after 'Lesion A/B/C: ...'). Grows ``anchors`` in
    place and returns what each event is told, or [] when nothing is spread."""
    if bracket or len(anchors) != 1:
        return []
    counts = [count_value(m.text) or 0 for m in found if m.label == "COUNT"]
    plural = (
        _plural(devices, found)
        # 'a SCOUT reflector was deployed at each target'
        or EACH.search(note_text(doc), sent_span[0], sent_span[1]) is not None
    )
    if not plural:
        return []
    lowers = note_lowers(doc)
    if (
        devices
        and all(d.start > 0 and lowers[d.start - 1] in ONE_WORDS for d in devices)
        and EACH.search(note_text(doc), sent_span[0], sent_span[1]) is None
    ):
        # '... the 10 o'clock carcinoma with a hookwire, and the 2 o'clock DCIS': one device,
        # whatever the number of sites ('wire localization of two lesions' names the procedure)
        return []
    clocks = [m for m in found if m.label == "LOCATION" and m.value == "clock"]
    if not clocks:
        clocks = [m for m in focus.get("location", []) if m.value == "clock"]
    if not all(c.context.status == "affirmed" for c in clocks):
        return []
    low, high = min(m.start for m in found), max(m.end for m in found)
    cuts = [i for i in range(low, high) if lowers[i] == ";"]
    if cuts:
        # '(3:00 Magseed; 12:00 localized)': a place whose own clause says its own act (and
        # not the device's) is not given the device
        def clause(i: int) -> int:
            return sum(1 for cut in cuts if cut < i)

        acts = {clause(m.start) for m in found if m.label == "PLACE" and m.affirmed}
        own = clause(anchors[0][1])
        if any(clause(c.start) != own and clause(c.start) in acts for c in clocks if c in found):
            return []
        # '2 lesions: 1:00 localized; 5:00 not localized': a place whose own clause denies
        # the act is not one of the places
        denied = {
            clause(m.start) for m in found if m.label == "PLACE" and m.context.status == "negated"
        } - acts
        clocks = [c for c in clocks if not (c in found and clause(c.start) in denied)]
    if clocks and clocks[0] in found:
        # 'stereotactic vacuum-assisted biopsy left breast 5:00 and stereotactic wire
        # localization left breast 1:00': a place said just after a biopsy is the biopsy's
        clocks = [c for c in clocks if not _biopsy_place(c, found, anchors[0][1], lowers)]
    text = note_text(doc)
    ranges = [text[a.end_char : b.start_char].strip() for a, b in pairwise(clocks)]
    if any(between in ("-", "to", "through", "–") for between in ranges):
        return []  # '9:30-11:00' is the extent of one lesion
    values: list[float] = []
    for m in clocks:
        value = clock_value(m.text)
        if value is not None and value not in values:
            values.append(value)
    count = max(counts, default=0)
    each_place = EVERY.search(text, sent_span[0], sent_span[1]) is not None
    if count == 1 and each_place:
        count = 0  # 'one I-125 seed was deployed at each': one per place, not one in all
    areas = _areas_alone(doc, found, clocks) if clocks and clocks[0] in found else []
    if areas and count >= 2 and len(values) + len(areas) == count:
        # 'wire loc x2 - site 1 RT axillary tail (calcs), site 2 RT 10:00 mid (clip)': a
        # quadrant said without a clock face is one of the places too
        kind = anchors[0][0]
        places = sorted(
            [(m.start, {"clock": None, "quadrant": m.value}) for m in areas]
            + [
                (m.start, {"clock": clock_value(m.text), "quadrant": None})
                for m in _firsts_of(clocks, values)
            ]
        )
        anchors[:] = [(kind, start) for start, _told in places]
        return [{**told, "label": None} for _start, told in places]
    if len(values) >= 2 and count in (0, len(values)):
        kind = anchors[0][0]
        if clocks[0] in found:  # each event reads its side etc. beside its own clock
            firsts = _firsts_of(clocks, values)
            anchors[:] = [(kind, m.start) for m in firsts]
            return [{"clock": v, "label": None} for v in values]
        # 'R 9:00 | R 1:00 | L 6:00 -- one seed each. Seeds logged.': the places said before
        # had their own sides; the last one said is not every place's
        anchors[:] = anchors * len(values)
        return [
            {"clock": v, "label": None, "laterality": None, "laterality_span": None} for v in values
        ]
    every = (
        len(values) <= 1  # one place at most: the rest are in the note's list
        and (
            each_place
            # 'each wire deployed at its clip', 'Kopans wire each'
            or any(d.start > 0 and lowers[d.start - 1] == "each" for d in devices)
            or any(d.end < len(lowers) and lowers[d.end] == "each" for d in devices)
        )
    )
    labels_named, listed = inventory.labels_named, inventory.listed
    if every and not count:
        count = inventory.stated_count or 0
    if every and not count and labels_named >= 2:
        # 'Site A - left 1 o'clock ... Site C - right 11 o'clock' in the indication, then 'A
        # SAVI SCOUT reflector was placed at each site': one device for every lesion named
        count = labels_seen = labels_named
    if (
        every
        and not count
        and PER_PLACE.search(text, sent_span[0], sent_span[1]) is not None
        and 2 <= len(listed) <= MAX_LISTED
    ):
        # 'A) 10:00 ... B) 12:00 ...' above, then 'I-125 seeds ..., one per site': one device
        # at each place the note listed
        count = len(listed)
    # '#1 10:00 ... #2 2:00 ... 20g Kopans x2, stereo pair each', 'EXAM: Stereotactic
    # localization, 3 lesions' over three places listed: the sentence counts as many as the
    # note listed, and names no clock face of its own (nor restates lesion blocks)
    restated = section not in BODY_SECTIONS and inventory.labels_named > 0
    own_clocks = any(m.label == "LOCATION" and m.value == "clock" for m in found)
    counted_here = (
        not restated
        and not own_clocks
        and len(values) <= 1
        and any((count_value(m.text) or 0) == count for m in found if m.label == "COUNT")
    )
    if (every or counted_here) and count >= 2 and len(listed) == count:
        # 'Sites: #1 9:00 ... #2 12:00 ... A Magseed was deployed at each of the two sites':
        # as many places listed before as the lesions counted, one device at each
        anchors[:] = anchors * count
        numbered = count == labels_named
        # (the places listed before had their own sides: not the last one said)
        unsided = {"laterality": None, "laterality_span": None}
        return [
            {"clock": None, "quadrant": v, "label": n + 1 if numbered else None, **unsided}
            if isinstance(v, str)
            else {"clock": v, "quadrant": None, "label": n + 1 if numbered else None, **unsided}
            for n, v in enumerate(listed)
        ]
    if count >= 2 and count == labels_seen and not values:
        anchors[:] = anchors * count
        return [{"label": n} for n in range(1, count + 1)]
    if every and not values:
        # 'Each site: scout, stereo pair, one I-125 seed' before any site is listed: how
        # every lesion was done, a summary the lesions below fill from (no lesion of its own)
        return [{"section": "summary"}]
    return []


def _labelled_guide(found: list[Mention], label: int | None) -> Mention | None:
    """The guidance said after a lesion's own label, before the next label, when the sentence
    names several ('wire localization x2: lesion 1 stereotactic, lesion 2 ultrasound-guided')."""
    if label is None:
        return None
    labels = [m for m in found if m.label == "LESION" and lesion_number(m.text) is not None]
    mine = [m for m in labels if lesion_number(m.text) == label]
    if len(labels) < 2 or not mine:
        return None
    after = [m.start for m in labels if m.start > mine[0].start]
    end = min(after, default=1 << 30)
    guides = [m for m in found if m.label == "GUIDANCE" and m.affirmed]
    own = [g for g in real_guides(guides) if mine[0].end <= g.start < end]
    return own[0] if own else None


def _firsts_of(clocks: list[Mention], values: list[float]) -> list[Mention]:
    """The first mention of each clock face value."""
    return [next(m for m in clocks if clock_value(m.text) == v) for v in values]


def _areas_alone(doc: Doc, found: list[Mention], clocks: list[Mention]) -> list[Mention]:
    """Quadrants said with no clock face beside them ('site 1 RT axillary tail', 'axillary
    tail and 10:00'): places of their own (not 'upper outer quadrant at 10 o'clock', one
    place said twice)."""

    def beside(area: Mention, clock: Mention) -> bool:
        low, high = min(area.end, clock.end), max(area.start, clock.start)
        between = {t.lower_ for t in doc[low:high]}
        return high - low <= 4 and not between & {"and", "plus", "&", "+", ";"}

    return [
        m
        for m in found
        if m.label == "LOCATION"
        and m.value in QUADRANTS
        and m.affirmed
        and not any(beside(m, c) for c in clocks)
    ]


MAX_LISTED = 4  # 'one per site' spreads over at most this many places listed before it
PER_PLACE = re.compile(
    r"\b(?:one|1)\s+(?:per|each|at each|in each)\s+(?:lesion|site|target)\b"
    # 'one SCOUT reflector deployed per lesion'
    r"|\b(?:deployed|placed|inserted)\s+per\s+(?:lesion|site|target)\b"
    r"|\b(?:at|in|to)\s+each\s+(?:lesion|site|target)\b",
    re.I,
)

# a depth word just before a clock face: 'the posterior 10 o'clock coil clip'
DEPTH_BEFORE_CLOCK = {"anterior": "anterior", "posterior": "posterior", "superficial": "anterior"}
DEPTH_AFTER_CLOCK = {"AD": "anterior", "MD": "middle", "PD": "posterior"}  # capitals only


def _said_sides(found: list[Mention]) -> list[Mention]:
    """The left/right mentions of a sentence that are not denied."""
    return [
        m
        for m in found
        if m.label == "LATERALITY"
        and m.value in ("left", "right")
        and m.context.status != "negated"
    ]


def _shared_side(found: list[Mention]) -> bool:
    """One side said before a sentence's clock faces, as a breast: 'left breast lesions at
    12:00 and 9:00', 'right breast: 10:00 (coil clip) and 2:00 (ribbon clip)' give it to all
    of them (not 'right 9:00 and 1:00', where each face may have its own)."""
    sides = _said_sides(found)
    clocks = [m for m in found if m.label == "LOCATION" and m.value == "clock"]
    breasts = [m for m in found if m.label == "BREAST" and m.text.lower().startswith("breast")]
    return (
        bool(clocks)
        and len({m.value for m in sides}) == 1
        and all(m.start < clocks[0].start for m in sides)
        and any("breast" in m.text.lower() or any(b.start == m.end for b in breasts) for m in sides)
    )


def _attribute(
    event: Event,
    found: list[Mention],
    focus: dict,
    lowers: list[str],
    text: str,
    owned_before: bool = False,
) -> None:
    """Give an event the label, side, clock face, quadrant, named clip and guidance of the
    nearest mention in its part of the sentence, else what the focus holds. ``owned_before``:
    the device belongs to what was said before it ('the 10 o'clock carcinoma with a
    hookwire, and the 2 o'clock DCIS'), so its clock face is the one before it."""
    anchor = event.anchor

    def nearest(items: list[Mention]) -> Mention | None:
        return min(items, key=lambda m: abs(m.start - anchor), default=None)

    ref = nearest(
        [
            m
            for m in found
            if m.label == "LESION"
            and m.value.isdigit()
            and m.context.status != "negated"
            # '5 cm from lesion 1', 'medial to site A': the lesion this one is measured from
            and not refers_to_other(lowers, m.start)
            # 'Lesion 1 - 7 cm hookwire; Lesion 2 - 9 cm hookwire': not across a semicolon
            and ";" not in lowers[min(m.start, anchor) : max(m.start, anchor)]
        ]
    )
    event.label = int(ref.value) if ref else focus.get("label")
    event.label_from_focus = ref is None and event.label is not None
    if ref is not None and focus.get("label") not in (None, event.label):
        # 'Device(s): Lesion 1 - 7 cm hookwire; ...' after lesion 2's line: the place the
        # focus holds is the other lesion's
        focus = {k: v for k, v in focus.items() if k in CARRIED or k == "laterality"}
    sides = _said_sides(found)
    clocks = [m for m in found if m.label == "LOCATION" and m.value == "clock"]
    if len(clocks) >= 2 and not _shared_side(found):
        # 'left 2 o'clock and 9 o'clock': a side belongs to the clock face nearest to it (but
        # 'two left breast lesions at 12:00 and 9:00': one side before the list is all theirs)
        own = min(clocks, key=lambda c: abs(c.start - anchor))
        sides = [m for m in sides if min(clocks, key=lambda c: abs(c.start - m.start)) is own]
    side = nearest(sides)
    blank = [m for m in found if m.label == "UNSTATED_SIDE"]
    if blank and (not side or abs(nearest(blank).start - anchor) < abs(side.start - anchor)):
        # 'Site 1 right breast 9 o'clock ... site 2 [inaudible] breast 4 o'clock ... second
        # hookwire': the side said nearest this device is a blank
        event.side_conflict = True
        side = None
    elif sides_disagree(found, lowers) or (not sides and focus.get("side_conflict")):
        # 'Breast / Mama: Left / Derecha': the form's two columns give two sides
        event.side_conflict = True
        side = None
    if side:
        event.laterality, event.laterality_span = side.value, side.span
        if "laterality" in focus and focus["laterality"][0] != side.value:
            # 'Left tag at the cylinder clip' after the right breast's target: the focus
            # is the other breast's lesion, its place is not this one's
            focus = {k: v for k, v in focus.items() if k in CARRIED}
    elif "laterality" in focus and len(clocks) < 2:  # a list of lesions says each one's side
        event.laterality, event.laterality_span = focus["laterality"]
    faces = [m for m in found if m.label == "LOCATION" and m.value == "clock"]
    # 'vacuum-assisted biopsy left breast 5:00 and ... wire ... 1:00'
    biopsied = [c for c in faces if _biopsy_place(c, found, anchor, lowers)]
    if event.device not in MARKERS and len(biopsied) < len(faces):
        faces = [c for c in faces if c not in biopsied]
    if owned_before and any(m.start < anchor for m in faces):
        faces = [m for m in faces if m.start < anchor]
    clock = nearest(faces)
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
    # depth and distance from the nipple tell apart lesions at one clock face ('12:00,
    # anterior depth, 2 cm FN' and '12:00, posterior depth, 8 cm FN')
    depth = nearest([m for m in found if m.label == "LOCATION" and m.value == "depth"])
    distance = nearest([m for m in found if m.label == "LOCATION" and m.value == "distance"])
    event.depth = depth_of(depth) if depth else None
    if event.depth is None and clock is not None and clock.start > 0:
        # 'the anterior 10 o'clock ribbon clip ... the posterior 10 o'clock coil clip'
        event.depth = DEPTH_BEFORE_CLOCK.get(lowers[clock.start - 1])
    if event.depth is None and clock is not None:
        # '12:00 PD: wire 1 ...', '9:00 MD: wire 2': depth abbreviated after the clock face
        after = text[clock.end_char : clock.end_char + 4].split()
        event.depth = DEPTH_AFTER_CLOCK.get(after[0].rstrip(":,.;")) if after else None
    aimed = nearest([m for m in found if m.label == "DEVICE" and marker_name(m) is not None])
    if event.depth is None and aimed is not None and aimed.start > 0:
        # 'a 7 cm wire at the anterior ribbon clip and a 10 cm wire at the posterior coil clip'
        event.depth = DEPTH_BEFORE_CLOCK.get(lowers[aimed.start - 1])
    if event.depth is None:
        # 'a wire was placed in the anterior calcifications at 12 o'clock'
        finding = nearest([m for m in found if m.label == "BREAST" and m.value == "finding"])
        if finding is not None and finding.start > 0 and abs(finding.start - anchor) <= KIND_WINDOW:
            event.depth = DEPTH_BEFORE_CLOCK.get(lowers[finding.start - 1])
    event.nipple_cm = nipple_cm(distance) if distance else None
    if clock is None and not several and not own_quadrant:
        event.depth = event.depth or focus.get("depth")
        if event.nipple_cm is None:
            event.nipple_cm = focus.get("nipple_cm")
    event.location = [m for m in found if m.label == "LOCATION"] or focus.get("location", [])
    named = [m for m in found if m.label == "DEVICE" and marker_name(m) is not None]
    target = nearest(named)
    event.marker = marker_name(target) if target else None
    kind = nearest([m for m in found if finding_kind(m)])
    if kind is not None and abs(kind.start - anchor) <= KIND_WINDOW:
        event.finding = finding_kind(kind)
    elif clock is None and not own_quadrant:  # a kind names one lesion even after a list
        event.finding = focus.get("finding")

    guides = [m for m in found if m.label == "GUIDANCE" and m.affirmed]
    real = real_guides(guides)
    guide = nearest(real)
    unsaid_here = False
    if len(clocks) >= 2 and guides and min(g.start for g in guides) > clocks[0].start:
        # a list that gives each lesion its own guidance after its place ('2:00 stereotactic,
        # 11:00 tomosynthesis-guided'): the one after this lesion's place is its own;
        # elsewhere a real modality beats tomosynthesis in a sentence
        after = [g for g in guides if g.start > anchor]
        own = min(after, key=lambda g: g.start) if after else nearest(guides)
        places = {clock_value(c.text) for c in clocks}
        if not after and len(places) >= 2:
            # '2:00 (stereotactic, prone) and 6:00 (upright unit)': the last place's own
            # parentheses name no modality; the one said of the place before is not its own
            own, guides, unsaid_here = None, [], True
        guide = own if own is not None and own.value != "tomosynthesis" else None
    if guide:
        event.guidance, event.guidance_span = guide.value, guide.span
        event.guidance_own = True
    elif guides:
        event.tomo = True
    elif any(m.label == "UNSTATED_GUIDANCE" and m.affirmed for m in found):
        # 'the 5:00 coil clip was then wired under imaging guidance': its own guidance, but
        # not which; the lesion before's modality is not carried to it
        event.guidance_unstated = True
    elif "guidance" in focus and not unsaid_here:
        event.guidance, event.guidance_span = focus["guidance"]
    elif focus.get("tomo"):
        event.tomo = True
    ordinal = nearest([m for m in found if m.label == "LESION" and m.value.isdigit()])
    event.device_ordinal = int(ordinal.value) if ordinal else None


def _heads_line(doc: Doc, device: Mention) -> bool:
    """Is the device the first word of its line ('Seed 1 - LT breast 1:00 ...', '2) Wire:
    ...', '0819 | Seed #2 deployed')? A list mark, time or bar before it does not count."""
    text = note_text(doc)
    start = doc[device.start].idx
    line = text[text.rfind("\n", 0, start) + 1 : start]
    return LINE_LEAD.fullmatch(line) is not None


def _near(mention: Mention, others: list[Mention], tokens: int) -> bool:
    """Within ``tokens`` of any of the others: a clip's own placement verb stands close by."""
    return any(o.start - tokens <= mention.end and mention.start <= o.end + tokens for o in others)


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
    nearest = min(candidates, key=lambda d: gap(place, d))
    return nearest.context.status != "affirmed" and not any(
        d.affirmed and gap(place, d) <= gap(place, nearest) for d in candidates
    )


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
        # nor 'the right 2:00 site (ribbon clip) had been localized' (an aside on the site)
        return (
            bool(set(between) & {"was", "were", "is", "are", "been"})
            and "," not in between
            and ")" not in between
        )
    return False


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


def _biopsy_place(clock: Mention, found: list[Mention], anchor: int, lowers: list[str]) -> bool:
    """Is this clock face the place of a biopsy said just before it ('vacuum-assisted biopsy
    left breast 5:00'), with the device at ``anchor`` not between them? Not a biopsy clip
    named in an aside ('(bx clip, IDC) and L 3:00')."""
    return any(
        b.label == "BIOPSY"
        and b.affirmed
        and b.end <= clock.start <= b.end + 6
        and not b.end <= anchor <= clock.start
        and not {"(", ")", "clip", "clips"} & set(lowers[b.end : clock.start])
        for b in found
    )


def _says_how(found: list[Mention], focus: dict) -> bool:
    """Does a terse procedure line say how or where ('HOOKWIRE THROUGH THE BARBELL CLIP,
    STEREO PAIR'; 'Site 2: 4:00 ... Reflector at clip.'; in a list, 'Seed 1 - upper outer
    quadrant, target barbell clip')?"""
    where = ("clock", *QUADRANTS) if focus.get("list_item") else ("clock",)
    return any(
        m.label in ("GUIDANCE", "LESION", "COUNT") or (m.label == "LOCATION" and m.value in where)
        for m in found
    ) or ("label" in focus or "clock" in focus)


def _sampled_now(doc: Doc, biopsy: Mention) -> bool:
    """'9g VAB x8', '14G core biopsy x4': a biopsy written with its needle gauge or number of
    cores is one done in this sitting (not 'the clip from the March biopsy')."""
    window = doc[max(biopsy.start - 2, 0) : biopsy.end + 2]
    return any(_GAUGE_OR_CORES.match(t.lower_) for t in window)


TARGET_PREPOSITIONS = frozenset(
    {
        "at",
        "to",
        "beyond",
        "near",
        "from",
        "adjacent",
        "through",
        "into",
        "past",
        "toward",
        "beside",
        "alongside",
        "within",
        "inside",
        "behind",
        "below",
        "above",
        "under",
        "over",
    }
)


DEVICE_FIELDS = frozenset({"device", "devices", "marker", "markers", "localizer"})
FIELD_SEPARATOR = re.compile(r":|=|\.{3,}|…+")


def _in_device_field(doc: Doc, device: Mention) -> bool:
    """'Device type: clip', 'Device: HydroMARK clip', 'Marker: UltraCor Twirl': the device is
    the value of a form's device field (a field label and its colon just before it; not 'Prior
    clip type: coil')."""
    lowers = note_lowers(doc)
    i = device.start - 1
    # (or a leader of dots: 'Device ......... Magseed (1)')
    if i < 1 or FIELD_SEPARATOR.fullmatch(lowers[i]) is None:
        return False
    if lowers[i - 1] == "type" and i >= 2:
        return lowers[i - 2] in DEVICE_FIELDS
    return lowers[i - 1] in DEVICE_FIELDS


def _aimed_at(doc: Doc, device: Mention) -> bool:
    """'... placed at the clip', 'tip 2 mm beyond the ribbon clip': the device word follows a
    preposition of place (an article or possessive between)."""
    lowers = note_lowers(doc)
    i = device.start - 1
    while i >= 0 and lowers[i] in ("the", "its", "a", "an", "their"):
        i -= 1
    return i >= 0 and lowers[i] in TARGET_PREPOSITIONS


def _in_parentheses(doc: Doc, device: Mention, acts: list[Mention]) -> bool:
    """Is the device word inside an open parenthesis on its line that places nothing ('(DCIS,
    coil clip)', not '(9 G VAB x 8, coil clip deployed)')?"""
    lowers = note_lowers(doc)
    for i in range(device.start - 1, max(device.start - 12, 0) - 1, -1):
        word = lowers[i]
        if word == "(":
            close = next(
                (
                    j
                    for j in range(device.end, min(device.end + 12, len(lowers)))
                    if lowers[j] == ")"
                ),
                device.end,
            )
            return not any(i < a.start < close for a in acts)
        if word in (")", "\n") or "\n" in word:
            return False
    return False


def _has_object(found: list[Mention]) -> bool:
    """Does the sentence name a breast finding, lesion or place a bare localization act can be
    aimed at? Without one, 'localized' alone is no event."""
    return any(
        (m.label == "BREAST" and m.value == "finding")
        or m.label == "LESION"
        or (m.label == "LOCATION" and (m.value == "clock" or m.value in QUADRANTS))
        for m in found
        if m.context.status != "negated"
    )


def _aftercare(found: list[Mention]) -> bool:
    """A sentence that only tends devices already placed ('Wire dressed.', 'Wires were secured
    with a dressing and taped.'; AFTERCARE in patterns/concepts.jsonl): no place, label or
    placement act of its own but the tending word ('secured' is a placement act too)."""
    care = {m.span for m in found if m.label == "AFTERCARE"}
    if not care:
        return False
    return not any(
        m.label in ("LOCATION", "LESION", "GUIDANCE") or (m.label == "PLACE" and m.span not in care)
        for m in found
    )


def _own_stretches(
    anchors: list[tuple[str | None, int]], clocks: list[int]
) -> list[tuple[int, int]] | None:
    """Each device's own stretch of the sentence, where its clock face is. 'wire 1 through the
    X clip at 1:00 and wire 2 through the coil clip at 5:00': each device followed by one clock
    face before the next device, none before the first, owns the stretch from it to the next
    (the nearest clock face would give the second wire the first one's, just before it). '9:00
    coil clip (SCOUT), 11:00 ribbon clip (SCOUT)': each device after one clock face, none after
    the last, owns the stretch from the device before it. None when neither fits. ``clocks``
    are where the sentence's clock faces start (or the clips each device was aimed at)."""
    starts = [start for _kind, start in anchors]
    if len(starts) < 2 or starts != sorted(set(starts)):
        return None
    if not any(c < starts[0] for c in clocks):
        stretches = list(zip(starts, [*starts[1:], 1 << 30]))
        if all(sum(low < c < high for c in clocks) == 1 for low, high in stretches):
            return stretches
    # '9:00 coil clip (SCOUT), 11:00 ribbon clip (SCOUT)': each device after its clock face,
    # none after the last device
    if not any(c > starts[-1] for c in clocks):
        stretches = list(zip([-1, *starts[:-1]], starts))
        if all(sum(low < c < high for c in clocks) == 1 for low, high in stretches):
            return stretches
    return None


def _separated(doc: Doc, a: int, b: int) -> bool:
    """Does a new step of a run-on sentence start between two tokens? (', then a second
    hookwire...', 'and then we repositioned the breast', 'subsequently') A bare 'then' inside
    one step ('tomo scout then stereo pair') does not separate."""
    low, high = min(a, b), max(a, b)
    lowers = note_lowers(doc)
    for i in range(low, high):
        word = lowers[i]
        if word in SEQUENCE_WORDS:
            return True
        if (
            word in ("then", "next")
            and i > 0
            and lowers[i - 1] in (",", "and")
            and i + 1 < len(lowers)
            and lowers[i + 1] in STEP_OPENERS
        ):
            return True  # not ', then deployed a Magseed' (the same step goes on)
    return False


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


def _numbered(doc: Doc, start: int) -> bool:
    """'wire 2 (9 cm Kopans) was placed there', 'Seed #3': the device word carries a number
    after the first."""
    after = [t.lower_ for t in doc[start + 1 : start + 4]]
    if after[:1] == ["#"]:
        after = after[1:]
    # (not a measure: 'reflector 3 mm from the clip', 'wire 2 cm beyond')
    return after[:1] in (["2"], ["3"], ["4"]) and not (after[1:2] and after[1] in UNITS)


def _same_place(a: Event, b: Event) -> bool:
    """Two device words for one placement ('Kopans wire ... hookwire'): same label, clock face
    and side, and the same device kind or one of them unnamed; not two depths or two named
    clips."""
    return (
        (a.device == b.device or a.device is None or b.device is None)
        and (a.label == b.label and a.clock == b.clock and a.laterality == b.laterality)
        # '... at the anterior ribbon clip and a 10 cm Kopans wire at the posterior coil clip'
        and not (a.depth and b.depth and a.depth != b.depth)
        and not (a.marker and b.marker and a.marker != b.marker)
        # 'wire 1 AD 4 cm FN, wire 2 PD 8 cm FN': two distances from the nipple
        and not (a.nipple_cm and b.nipple_cm and abs(a.nipple_cm - b.nipple_cm) >= NIPPLE_APART)
        # 'seed 1 at the coil clip, seed 2 ... medial to the X clip': a device numbered after
        # the first is another device
        and not b.numbered
    )
