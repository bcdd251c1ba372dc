"""What the pipeline extracted from one note, as plain data for the decision.

The pipeline (``locaudit.nlp``) fills these; the decision (``locaudit.coding``) reads only these,
so the coding rules can be tested without spaCy. Offsets are character offsets into the note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[int, int]


@dataclass(slots=True)
class LesionFact:
    """One distinct breast lesion that got a device in this session."""

    label: int | None = None  # explicit lesion number/letter in the note, if any
    laterality: str | None = None  # left | right
    side_contradicted: bool = False  # the note gives this lesion both sides
    guidance: str | None = None  # stereotactic | mammographic | ultrasound | mri
    tomosynthesis_only: bool = False
    guidance_own: bool = False  # said in a sentence of this lesion's own, not carried over
    guidance_unstated: bool = False  # 'under imaging guidance': the note's modality not given
    devices: list[str] = field(default_factory=list)
    device_named: bool = True  # False: "localized" with no device named
    purpose: str = "localization"  # localization | biopsy_marker
    clock: float | None = None
    quadrant: str | None = None
    depth: str | None = None  # anterior | middle | posterior
    nipple_cm: float | None = None  # distance from the nipple
    location: str | None = None
    location_span: Span | None = None
    bracketed: bool = False
    marker: str | None = None  # the named biopsy clip the device was aimed at ('coil')
    finding: str | None = None  # its kind, when the note tells lesions apart by kind ('mass')
    session_doubt: bool = False  # an addendum puts this lesion under another date or accession
    evidence: list[Span] = field(default_factory=list)
    guidance_evidence: list[Span] = field(default_factory=list)
    laterality_evidence: list[Span] = field(default_factory=list)
    biopsy_evidence: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class NoteFacts:
    """Everything the decision needs about one note."""

    breast_note: bool = False
    lesions: list[LesionFact] = field(default_factory=list)
    negated_placements: list[Span] = field(default_factory=list)
    # ... of those, the ones that name a device or a localization ('No wire at 12:00', not 'No
    # needle was placed' before a cancelled biopsy)
    negated_devices: list[Span] = field(default_factory=list)
    planned_placements: list[Span] = field(default_factory=list)
    other_session: list[Span] = field(default_factory=list)
    other_session_clocks: list[float] = field(default_factory=list)  # where those devices are
    same_session_statements: list[Span] = field(default_factory=list)
    session_unclear: list[Span] = field(default_factory=list)  # 'cannot confirm ... same visit'
    # the record's own times or dates put a placement outside the sitting (a 'same session'
    # statement does not settle what the clock says)
    session_stamped: bool = False
    separateness_unclear: list[Span] = field(default_factory=list)  # 'two lesions or the same?'
    stated_count: int | None = None
    separate_stated: bool = False  # 'two separate lesions', 'a distinct site'
    places_stated: int = 0  # distinct places the note names (clock faces, quadrants, depths)
    stated_count_span: Span | None = None
    stated_count_in_body: bool = False  # said in the procedure, not only in a title or summary
    nonbreast_devices: list[Span] = field(default_factory=list)
    intraoperative: list[Span] = field(default_factory=list)  # placed by the surgeon in the OR
