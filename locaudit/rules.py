"""Loading and strict validation of the rule data in ``locaudit/patterns/``.

Vocabulary, context triggers and section headers are data a coding QA lead can read and
extend; this module is the only code that reads them. Every file is validated at load with
``extra="forbid"`` models so a typo in a pattern file fails loudly, naming the file and line,
instead of silently matching nothing. ``--patterns DIR`` points the pipeline at another copy.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PACKAGE_PATTERNS = Path(__file__).resolve().parent / "patterns"
CODING_TABLES = Path(__file__).resolve().parent / "coding"

ConceptLabel = Literal[
    "DEVICE",  # value: device type (models.DeviceType)
    "BLOCK",  # a false friend: removes mentions of the category in `value` that it covers
    "PLACE",  # a placement act: placed, deployed, localization...
    "GUIDANCE",  # value: stereotactic | mammographic | ultrasound | mri | tomosynthesis
    "UNSTATED_GUIDANCE",  # 'under imaging guidance': guided, but by which modality is unsaid
    "UNSTATED_SIDE",  # '[inaudible] breast', '*** breast': a side left blank
    "LATERALITY",  # value: left | right | bilateral
    "LOCATION",  # clock face, quadrant, depth, distance from nipple
    "LESION",  # value: ordinal "1".."9", or "next" (another/additional lesion)
    "COUNT",  # a stated number of lesions; value: the number
    "BRACKET",  # several devices marking one lesion
    "BIOPSY",  # a percutaneous biopsy act
    "SESSION",  # value: same | other
    "NONBREAST",  # body sites / procedures that make a device mention non-breast
    "BREAST",  # words that make a note a breast note
    "INTRAOP",  # placement during the open operation
    "CORRECTION",  # an addendum correcting a fact
    "INTERRUPT",  # the equipment or room changed mid-session: guidance is not carried over
    "SEPARATENESS",  # value unclear: the note doubts the devices mark separate lesions
    "RETRACT",  # a spoken self-correction: the mention said just before it is withdrawn
    "REPOSITION",  # the patient or breast was repositioned: the breast on the table may change
    "REPLACED",  # a device was displaced and replaced: the new one marks the same lesion
    "ELSEWHERE",  # the placement is reported in another document ('reported separately')
    "UNNAMED_DEVICE",  # a device of no documented type ('localizer deployed at clip')
    "AFTERCARE",  # tending a placed device ('Wire dressed.'): no placement of its own
    "ONE_SITE",  # a site pointed at ('this site'): a denial of it is not the procedure's
    "REMOVED",  # a device taken out in the sitting ('the lesion 2 wire was removed')
]
ContextCategory = Literal["NEGATED", "HISTORICAL", "HYPOTHETICAL", "TARGET", "PSEUDO", "TERMINATE"]
Direction = Literal["forward", "backward", "bidirectional", "none"]
SectionName = Literal[
    "title",
    "history",
    "comparison",
    "technique",
    "supplies",
    "preliminary",  # superseded by a later 'final' version (sections.py), else the body
    "final",  # becomes 'procedure' (sections.py)
    "procedure",
    "findings",
    "impression",
    "addendum",
    "plan",
    "attachment",  # an interpreter's translation and the like: it documents nothing
    "charges",  # a charge line, coder comment or authorization: one line that documents nothing
    "consult",
    "surgical",
    "ancillary",  # a record's tech log, nursing note, supply log: beside a report, no facts
    "report",  # a radiologist's report inside an exported record: becomes the body (sections.py)
    "prior",  # an earlier encounter's result pasted below: history down to the next report
    "other",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


TokenPattern = list[dict[str, Any]]
# a word the tokenizer splits at an inner hyphen ('x-ray' -> 'x', '-', 'ray'; not 'i-125')
_SPLIT_WORD = re.compile(r"[A-Za-z]-[A-Za-z]")


def _one_token_values(pattern: TokenPattern) -> TokenPattern:
    """A token spec's ORTH/LOWER value is one token: 'top-hat' or 'pre op' there never matches
    (the tokenizer makes three tokens of 'top-hat'), so the rule file says so at load."""
    for spec in pattern:
        for key, value in spec.items():
            if str(key).upper() not in ("ORTH", "LOWER", "TEXT", "NORM"):
                continue
            values = value.get("IN", []) if isinstance(value, dict) else [value]
            for word in values:
                if isinstance(word, str) and (" " in word or _SPLIT_WORD.search(word)):
                    raise ValueError(
                        f"token value {word!r} is several tokens; write it as a phrase pattern "
                        "or as one token spec per word (a hyphen is a token of its own)"
                    )
    return pattern


class ConceptRule(_Strict):
    """One vocabulary entry. ``pattern`` is a phrase (matched case-insensitively, token by
    token) or a spaCy Matcher token pattern."""

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    label: ConceptLabel
    value: str = ""
    pattern: str | TokenPattern
    note: str = ""

    @field_validator("pattern")
    @classmethod
    def _tokens(cls, pattern: str | TokenPattern) -> str | TokenPattern:
        return pattern if isinstance(pattern, str) else _one_token_values(pattern)


class ContextRule(_Strict):
    """One ConText trigger: its category, which way its scope runs and how far."""

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    category: ContextCategory
    direction: Direction = "forward"
    pattern: str | TokenPattern
    window: int = Field(default=8, ge=0, le=50, description="Scope length in tokens.")
    applies_to: list[ContextCategory] = Field(
        default_factory=list, description="TERMINATE only: the categories it ends (all if empty)."
    )
    first_line: bool = Field(
        default=True,
        description="False: not a trigger on the note's first line (a date there is the "
        "date of service, not a past date).",
    )
    note: str = ""

    @field_validator("pattern")
    @classmethod
    def _tokens(cls, pattern: str | TokenPattern) -> str | TokenPattern:
        return pattern if isinstance(pattern, str) else _one_token_values(pattern)


class SectionRule(_Strict):
    """A section header (regex, case-insensitive, anchored at a line start)."""

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    section: SectionName
    regex: str
    note: str = ""

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        """A regex that does not compile is named with its file and line at load, not when
        the first note is read (all headers are joined into one pattern)."""
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"regex does not compile: {exc}") from None
        return value


class RuleFileError(ValueError):
    """A pattern file is unreadable or invalid; the message names file and line."""


def _read_jsonl(path: Path, model: type[BaseModel]) -> list[Any]:
    rules = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("//"):
                continue
            try:
                rule = model.model_validate(json.loads(stripped))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise RuleFileError(f"{path.name}:{lineno}: {exc}") from None
            if rule.id in seen:  # type: ignore[attr-defined]
                raise RuleFileError(f"{path.name}:{lineno}: duplicate id {rule.id!r}")  # type: ignore[attr-defined]
            seen.add(rule.id)  # type: ignore[attr-defined]
            rules.append(rule)
    return rules


def patterns_dir(path: str | Path | None) -> Path:
    return Path(path) if path else PACKAGE_PATTERNS


class FindingKinds(BaseModel):
    """``finding_kinds.toml``: ``[kinds]`` of finding, each with the words that name it."""

    model_config = ConfigDict(extra="forbid")
    kinds: dict[str, list[str]]


@lru_cache(maxsize=8)
def load_concepts(directory: str | None = None) -> tuple[ConceptRule, ...]:
    """The concept rules. One pattern under one label with two values is refused: which of
    the two a note gets would depend on the order of the lines."""
    path = patterns_dir(directory) / "concepts.jsonl"
    rules = tuple(_read_jsonl(path, ConceptRule))
    seen: dict[tuple[str, str], ConceptRule] = {}
    for rule in rules:
        key = (rule.label, json.dumps(rule.pattern).lower())
        first = seen.setdefault(key, rule)
        if first.value != rule.value:
            raise RuleFileError(
                f"{path.name}: {rule.id!r} repeats the pattern of {first.id!r} with another value"
            )
    return rules


@lru_cache(maxsize=8)
def load_context(directory: str | None = None) -> tuple[ContextRule, ...]:
    return tuple(_read_jsonl(patterns_dir(directory) / "context.jsonl", ContextRule))


@lru_cache(maxsize=8)
def load_sections(directory: str | None = None) -> tuple[SectionRule, ...]:
    return tuple(_read_jsonl(patterns_dir(directory) / "sections.jsonl", SectionRule))


@lru_cache(maxsize=8)
def load_finding_kinds(directory: str | None = None) -> dict[str, str]:
    """``finding_kinds.toml``: each finding word (lower case) and the kind of finding it
    names ('calcs' -> calcifications). Empty when the folder has none (a QA lead's older
    copy): then lesions are simply not told apart by kind."""
    path = patterns_dir(directory) / "finding_kinds.toml"
    if not path.exists():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with path.open("rb") as handle:
            kinds = FindingKinds.model_validate(tomllib.load(handle)).kinds
    except (ValueError, ValidationError) as exc:
        raise RuleFileError(f"{path.name}: {exc}") from None
    words: dict[str, str] = {}
    for kind, names in kinds.items():
        for name in names:
            word = " ".join(name.lower().split())
            if words.setdefault(word, kind) != kind:
                raise RuleFileError(f"{path.name}: {name!r} names both {words[word]} and {kind}")
    return words


@lru_cache(maxsize=8)
def rules_hash(directory: str | None = None) -> str:
    """Short hash of every rule file in use, for the output's ``version.rules``."""
    digest = hashlib.sha256()
    files = sorted(patterns_dir(directory).glob("*.*")) + sorted(CODING_TABLES.glob("*.toml"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class GateGroup(_Strict):
    """One group of the keyword gate (``patterns/gate.toml``): literal terms, no regexes, so a
    QA lead can read and extend it without knowing regular expressions."""

    note: str = ""
    substrings: list[str] = Field(default_factory=list, description="Anywhere, any case.")
    words: list[str] = Field(default_factory=list, description="Whole words, any case.")
    case_words: list[str] = Field(default_factory=list, description="Whole words, exact case.")


@lru_cache(maxsize=8)
def load_gate(directory: str | None = None) -> dict[str, GateGroup] | None:
    """The keyword gate's groups, or None when the patterns folder has no ``gate.toml`` (a QA
    lead's older copy): then no note is gated, which is always safe."""
    path = patterns_dir(directory) / "gate.toml"
    if not path.exists():
        return None
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleFileError(f"{path.name}: {exc}") from None
    groups: dict[str, GateGroup] = {}
    for name, value in data.items():
        if not isinstance(value, dict):
            raise RuleFileError(f"{path.name}: [{name}] must be a table of term lists")
        try:
            group = GateGroup.model_validate(value)
        except ValidationError as exc:
            raise RuleFileError(f"{path.name}: [{name}]: {exc}") from None
        for term in (*group.substrings, *group.words, *group.case_words):
            if not term.strip() or term != term.strip():
                raise RuleFileError(f"{path.name}: [{name}]: empty or padded term {term!r}")
        groups[name] = group
    if not any(g.substrings or g.words or g.case_words for g in groups.values()):
        raise RuleFileError(f"{path.name}: no terms (delete the file to turn the gate off)")
    return groups
