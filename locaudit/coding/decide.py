"""From extracted facts to codes, verdict, findings and provider query.

Pure functions over :class:`locaudit.facts.NoteFacts`; the code tables, findings and query
texts are TOML files beside this module. Precedence of the verdict, in order:

1. no device placed this session: ``not_applicable`` (``not_supported`` when a placement was
   attempted and negated);
2. two or more stereotactic localization lesions, each with side and device, session not
   contradicted: ``supported`` with 19284 x (N - 1);
3. an additional stereotactic lesion is indicated but an element is missing (side, device,
   guidance, tomosynthesis-only, more lesions stated than described): ``needs_review`` with a
   query, and no add-on in ``codes``;
4. otherwise ``not_supported``, with the finding that says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from locaudit.coding.tables import Tables, load_tables
from locaudit.facts import LesionFact, NoteFacts, Span
from locaudit.nlp.places import apart_in_depth, clock_distance

# what the contract calls 'other': injected carbon (charcoal) or a ROLL radiotracer, which the
# rules file leaves open as a device (R20, Q7)
UNLISTED_DEVICES = frozenset({"other"})


@dataclass(slots=True)
class Finding:
    code: str
    severity: str
    message: str
    lesion: int | None = None
    evidence: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class CodeUnit:
    code: str
    units: int
    modifiers: list[str]
    lesions: list[int]


@dataclass(slots=True)
class Decision:
    verdict: str
    codes: list[CodeUnit]
    units_19284: int
    same_session: bool | None
    findings: list[Finding]
    query: str | None


def _finding(tables: Tables, code: str, lesion: int | None = None, evidence=()) -> Finding:
    spec = tables.findings[code]
    return Finding(code, spec.severity, spec.message, lesion, list(evidence))


def code_set(lesions: list[LesionFact], tables: Tables, allow_addon: bool) -> list[CodeUnit]:
    """Per lesion, by modality (R1, R3, R5, R8); first lesion of a family primary, rest add-on."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, lesion in enumerate(lesions, 1):
        if lesion.guidance is None:
            continue
        table = tables.biopsy if lesion.purpose == "biopsy_marker" else tables.localization
        if lesion.guidance not in table:
            continue
        kind = "biopsy" if lesion.purpose == "biopsy_marker" else "localization"
        groups.setdefault((kind, lesion.guidance), []).append(index)
    out: list[CodeUnit] = []
    for (kind, modality), indexes in groups.items():
        table = (tables.biopsy if kind == "biopsy" else tables.localization)[modality]
        first, rest = indexes[0], indexes[1:]
        out.append(CodeUnit(table["primary"], 1, _mods([lesions[first - 1]], tables), [first]))
        if rest and (allow_addon or table["addon"] != tables.localization["stereotactic"]["addon"]):
            rest_lesions = [lesions[i - 1] for i in rest]
            out.append(CodeUnit(table["addon"], len(rest), _mods(rest_lesions, tables), rest))
    return out


def _mods(lesions: list[LesionFact], tables: Tables) -> list[str]:
    sides = []
    for lesion in lesions:
        mod = tables.modifiers.get(lesion.laterality or "")
        if mod and mod not in sides:
            sides.append(mod)
    return sorted(sides, key=lambda m: m != "RT")


def _told_apart(
    lesion: LesionFact,
    others: list[LesionFact],
    separate: bool,
    places: int,
    count: int | None = None,
) -> bool:
    """R25: each lesion must be identifiable, by its breast or by where it is in it. At one
    clock face, depth or distance from the nipple tells two lesions apart only if the note
    also says they are separate (``separate``): else two devices may mark one lesion.
    Numbered lesions called separate are told apart when the note names a place for each
    (``places``: how many distinct places it names)."""
    side = lesion.laterality
    if lesion.clock is not None and any(
        o.clock is not None
        and clock_distance(lesion.clock, o.clock) < 0.5
        and o.laterality == side
        and o.depth == lesion.depth
        and o.nipple_cm == lesion.nipple_cm
        and o.marker == lesion.marker
        and o.finding == lesion.finding
        for o in others
    ):
        return False  # 'LESION 2' copied from 'LESION 1' word for word: nothing tells them apart
    if lesion.finding and others and all(o.finding not in (None, lesion.finding) for o in others):
        return True  # 'the calcifications' and 'the mass', in a note that says two lesions
    if lesion.clock is not None:
        # 10:00 and 10:30 in one breast, neither named as its own lesion (or 'Lesion 1' and
        # 'Lesion 2' at one clock face, told apart by depth only): separate lesions or two
        # devices in one?
        for other in others:
            near = 1.0 if lesion.label is None and other.label is None else 0.25
            if (
                other.clock is not None
                and other.laterality in (side, None)
                and clock_distance(lesion.clock, other.clock) <= near
                # called separate, and apart in depth, by half an hour or more, or at two
                # different named clips ('1:00 ... HydroMARK', '1:30 ... SecurMark'): told apart
                and not (
                    separate
                    and (
                        apart_in_depth(lesion, other)
                        or clock_distance(lesion.clock, other.clock) >= 0.5
                        or (lesion.marker and other.marker and lesion.marker != other.marker)
                    )
                )
            ):
                return False
    if lesion.clock is None and lesion.quadrant is not None:
        # 'upper outer quadrant' and '2 o'clock, upper outer quadrant' in one breast: the
        # quadrant alone does not say which of the two it is
        for other in others:
            if (
                other.laterality in (side, None)
                and other.quadrant == lesion.quadrant
                # 'two separate lesions (axillary tail and 2:00)': the other has its clock;
                # 'the anterior and the posterior UOQ clusters, separate lesions'
                and not (separate and (other.clock is not None or apart_in_depth(lesion, other)))
            ):
                return False
    if lesion.clock is not None or lesion.quadrant is not None or lesion.location is not None:
        return True
    if (
        separate
        and places > len(others)
        and lesion.label is not None
        and all(o.label not in (None, lesion.label) for o in others)
    ):  # 'Lesion 1: ... Lesion 2: ...', 'two separate lesions', each place named somewhere
        return True
    if (
        separate
        and others
        and count in (None, len(others) + 1)
        and all(
            o.clock is not None or o.quadrant is not None or o.location is not None for o in others
        )
    ):  # 'Two separate right breast masses (..., 10:00)': the one left unplaced is the other
        return True
    return side is not None and all(o.laterality not in (side, None) for o in others)


def decide(facts: NoteFacts, tables: Tables | None = None) -> Decision:
    tables = tables or load_tables()
    lesions = facts.lesions
    findings: list[Finding] = []
    same_session = _same_session(facts)
    if facts.nonbreast_devices:
        findings.append(_finding(tables, "NON_BREAST_DEVICE", evidence=facts.nonbreast_devices[:3]))
    if facts.intraoperative:
        findings.append(
            _finding(tables, "INTRAOPERATIVE_PLACEMENT", evidence=facts.intraoperative[:3])
        )
    if not lesions or not facts.breast_note:
        # No device went in this session: nothing to bill, whatever was declined or planned.
        # The negated or planned placement is still named so a coder sees why.
        if facts.breast_note and facts.negated_devices:
            findings.append(
                _finding(tables, "PLACEMENT_NEGATED", evidence=facts.negated_devices[:3])
            )
        if facts.breast_note and facts.planned_placements:
            findings.append(
                _finding(tables, "PLANNED_NOT_PERFORMED", evidence=facts.planned_placements[:3])
            )
        findings.append(_finding(tables, "NO_PLACEMENT_THIS_SESSION"))
        return Decision("not_applicable", [], 0, None, findings, None)

    loc = [(i, les) for i, les in enumerate(lesions, 1) if les.purpose == "localization"]
    stereo = [(i, les) for i, les in loc if les.guidance == "stereotactic"]
    unknown = [(i, les) for i, les in loc if les.guidance is None]
    for i, les in enumerate(lesions, 1):
        if les.purpose == "biopsy_marker":
            findings.append(
                _finding(
                    tables,
                    "BIOPSY_MARKER_NOT_LOCALIZATION",
                    i,
                    les.biopsy_evidence[:1] + les.evidence[:1],
                )
            )
        if les.bracketed:
            findings.append(_finding(tables, "BRACKETING_SINGLE_LESION", i, les.evidence[:1]))
    for i, les in loc:
        if les.guidance not in (None, "stereotactic") and stereo:
            findings.append(
                _finding(
                    tables,
                    "ADDITIONAL_LESION_OTHER_MODALITY",
                    i,
                    les.guidance_evidence[:1] + les.evidence[:1],
                )
            )

    problems: list[tuple[str, int | None, list[Span]]] = []
    candidates = stereo + unknown
    if len(candidates) >= 2 or (stereo and (facts.stated_count or 0) > len(lesions)):
        for i, les in candidates:
            if les.laterality is None:
                problems.append(("MISSING_LATERALITY", i, les.evidence[:1]))
            if not les.device_named:
                problems.append(("MISSING_DEVICE_TYPE", i, les.evidence[:1]))
            elif set(les.devices) <= UNLISTED_DEVICES:
                # injected carbon or a ROLL radiotracer: whether it is a device is open (Q7)
                problems.append(("UNVERIFIED_DEVICE", i, les.evidence[:1]))
            others = [other for _, other in candidates if other is not les]
            if not _told_apart(
                les, others, facts.separate_stated, facts.places_stated, facts.stated_count
            ):
                problems.append(("MISSING_LOCATION", i, les.evidence[:1]))
            if les.guidance is None:
                code = "TOMOSYNTHESIS_ONLY" if les.tomosynthesis_only else "MISSING_GUIDANCE"
                problems.append((code, i, les.evidence[:1]))
        if (
            len(stereo) == 1  # (two complete lesions support the add-on whatever the count)
            and (facts.stated_count or 0) > len(lesions)
            and not facts.negated_placements
            and not facts.planned_placements
            # ('x2' with one of them placed on another day)
            and not (facts.other_session and not facts.session_unclear)
            and not any(les.bracketed for les in lesions)
        ):
            span = [facts.stated_count_span] if facts.stated_count_span else []
            problems.append(("LESION_COUNT_UNSUPPORTED", None, span))
    if len(candidates) >= 2 and facts.separateness_unclear:
        problems.append(("SEPARATENESS_UNCLEAR", None, facts.separateness_unclear[:1]))
    if len(stereo) >= 2 and same_session is not True:
        if facts.other_session or not facts.session_unclear:
            problems.append(("SEPARATE_SESSION", None, facts.other_session[:1]))
        else:
            problems.append(("SESSION_UNCLEAR", None, facts.session_unclear[:1]))

    # Review when a stereotactic add-on may stand once the radiologist answers: some lesion is
    # stereotactic, or two or more lesions whose guidance is unknown or tomosynthesis only.
    if problems and (stereo or len(candidates) >= 2):
        for code, i, ev in problems:
            findings.append(_finding(tables, code, i, ev))
        code, i, _ = problems[0]
        query = tables.queries.get(code, "").format(lesion=i or "")
        codes = code_set(lesions, tables, allow_addon=False)
        return Decision("needs_review", codes, 0, same_session, findings, query or None)

    codes = code_set(lesions, tables, allow_addon=True)
    units = sum(c.units for c in codes if c.code == tables.localization["stereotactic"]["addon"])
    if units:
        first = stereo[0][0]
        findings.insert(
            0, _finding(tables, "FIRST_LESION_STEREOTACTIC", first, lesions[first - 1].evidence[:1])
        )
        for i, les in stereo[1:]:
            findings.append(_finding(tables, "ADDITIONAL_LESION_STEREOTACTIC", i, les.evidence[:1]))
        return Decision("supported", codes, units, same_session, findings, None)

    if facts.other_session:
        findings.append(_finding(tables, "SEPARATE_SESSION", None, facts.other_session[:1]))
    if facts.negated_placements:
        findings.append(_finding(tables, "PLACEMENT_NEGATED", None, facts.negated_placements[:1]))
    if facts.planned_placements:
        findings.append(
            _finding(tables, "PLANNED_NOT_PERFORMED", None, facts.planned_placements[:1])
        )
    if not stereo and not unknown:
        findings.append(_finding(tables, "NON_STEREOTACTIC_GUIDANCE"))
    elif len(loc) == 1:
        findings.append(_finding(tables, "SINGLE_LESION", loc[0][0], loc[0][1].evidence[:1]))
    for code, i, ev in problems:
        findings.append(_finding(tables, code, i, ev))
    return Decision("not_supported", codes, 0, same_session, findings, None)


def _same_session(facts: NoteFacts) -> bool | None:
    """True for two or more lesions placed today, unless the note also doubts it (a device at
    that clock face placed at another time, an addendum, 'cannot confirm ... same visit') and
    says 'same session' nowhere, or only before the doubt."""
    if len(facts.lesions) >= 2:
        doubted = any(
            les.clock is not None and clock_distance(les.clock, c) < 0.5
            for les in facts.lesions
            for c in facts.other_session_clocks
        )
        doubted = (
            doubted
            or any(les.session_doubt for les in facts.lesions)
            or bool(facts.session_unclear)
        )
        if not doubted:
            return True
        if facts.session_stamped:
            return None  # 'SAME SESSION: Yes' beside 'Time placed: 11:05' after 'END: 08:40'
        # 'same session' settles a doubt, unless the doubt is said after it (an addendum)
        latest_tie = max((start for start, _ in facts.same_session_statements), default=-1)
        latest_doubt = max((start for start, _ in facts.session_unclear), default=-1)
        return None if latest_tie < 0 or latest_doubt > latest_tie else True
    if facts.other_session:
        return False
    return None
