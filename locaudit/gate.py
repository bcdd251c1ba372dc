"""The keyword gate: notes that cannot be breast localization notes skip the full pipeline.

Most notes in a coding-QA export are chest CTs, knee MRIs and discharge summaries. The pipeline
can only report a placement where it finds a device or a localization act, so a note that
contains none of the terms of ``patterns/gate.toml`` is ``not_applicable`` whatever else it
says. The gate writes for it the very record the pipeline would (the decision over empty
facts), at the cost of one regular-expression search instead of a full parse.

The vocabulary is data (``gate.toml``); this module only compiles it, once, into one regular
expression. A patterns folder without ``gate.toml`` turns the gate off, which is always safe.
"""

from __future__ import annotations

import re
from functools import lru_cache

from locaudit.assessment import build_assessment
from locaudit.facts import NoteFacts
from locaudit.models import Assessment
from locaudit.rules import GateGroup, load_gate, rules_hash


def _units(term: str, word: bool = False) -> list[str]:
    """A term as regex pieces: each character itself, a space as any run of whitespace, and
    punctuation with optional whitespace around it, because spaCy's phrase matcher compares
    tokens and ignores the spacing between them ('o - twist' matches the phrase 'o-twist').

    A whole word gets its start test AFTER its first character ('l(?<!\\w.)oc\\b' rather than
    '\\bloc\\b'): a pattern whose every branch opens with a plain character lets the regex
    engine skip ahead to the next possible first character, several times faster."""
    units: list[str] = []
    for piece in re.split(r"(\s+|[^\w\s])", term.strip()):
        if not piece:
            continue
        if piece.isspace():
            units.append(r"\s+")
        elif not piece[0].isalnum() and piece[0] != "_":
            units.append(r"\s*" + re.escape(piece) + r"\s*")
        else:
            units.extend(re.escape(ch) for ch in piece)
    if word:
        if term[:1].isalnum():
            units.insert(1, r"(?<!\w.)")
        else:
            units.insert(0, r"(?<!\w)")
        if term[-1:].isalnum():
            units.append(r"\b")
    return units


def _trie(terms: list[tuple[str, bool]]) -> str:
    """Terms as one alternation shaped like a trie ('wi(?:re|rl)'), which Python's regex engine
    scans several times faster than a flat list of alternatives."""
    root: dict = {}
    for term, word in terms:
        node = root
        for unit in _units(term, word):
            node = node.setdefault(unit, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        alts = [unit + emit(child) for unit, child in sorted(node.items()) if unit]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return emit(root)


def compile_gate(groups: dict[str, GateGroup]) -> re.Pattern[str]:
    """All groups' terms as ONE precompiled pattern, searched once per note in
    :meth:`Gate.needs_pipeline` over the note's lower-case copy followed by the note itself.

    Why not ``re.IGNORECASE``: over ~60 alternatives it makes Python's regex engine about ten
    times slower (0.4 ms for a 1.3 kB note, more than the rest of a gated record). Lower-case
    terms match in the lower-case copy; exact-case words (``case_words``, e.g. 'NL') can only
    match in the original, since the copy has no capitals. Matching the lower-case terms in the
    original as well finds nothing the copy did not, so the result is exactly "any substring
    in any case, any word in any case, or any exact-case word".
    """
    substrings = sorted({t.lower() for g in groups.values() for t in g.substrings})
    words = sorted({t.lower() for g in groups.values() for t in g.words})
    case_words = sorted({t for g in groups.values() for t in g.case_words})
    terms = [(t, False) for t in substrings] + [(t, True) for t in words + case_words]
    return re.compile(_trie(terms))


class Gate:
    """Decides, per note, whether the full pipeline is needed, and writes the record when not."""

    def __init__(self, pattern: re.Pattern[str], rules_version: str) -> None:
        self.pattern = pattern
        self.rules_version = rules_version
        self._records: dict[bool, Assessment] = {}

    def needs_pipeline(self, text: str) -> bool:
        """True when the note has a gate term (see :func:`compile_gate` for the doubled text)."""
        return self.pattern.search(f"{text.lower()}\n{text}") is not None

    def first_term(self, text: str) -> tuple[int, int] | None:
        """Where the first gate term is in ``text`` (offsets into ``text``), or None: why a
        note went to the pipeline."""
        lowered = text.lower()
        match = self.pattern.search(f"{lowered}\n{text}")
        if match is None:
            return None
        if match.start() > len(lowered):  # found in the original (an exact-case word)
            shift = len(lowered) + 1
            return match.start() - shift, match.end() - shift
        if len(lowered) != len(text):  # a rare letter whose lower case is longer ('İ')
            return 0, len(text)
        return match.start(), match.end()

    def record(self, record_id: str, text: str, redact: bool = False) -> Assessment:
        """The ``not_applicable`` record of a gated note: built once by the decision over empty
        facts (so it is exactly what the pipeline writes for such a note), then copied per id."""
        template = self._records.get(redact)
        if template is None:
            template = build_assessment("", text, NoteFacts(), self.rules_version, redact)
            self._records[redact] = template
        return template.model_copy(update={"id": record_id})


@lru_cache(maxsize=8)
def load_gate_for(patterns_dir: str | None = None) -> Gate | None:
    """The gate for a patterns folder (None: that folder has no ``gate.toml``)."""
    groups = load_gate(patterns_dir)
    if groups is None:
        return None
    return Gate(compile_gate(groups), rules_hash(patterns_dir))
