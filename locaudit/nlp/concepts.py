"""Concept mentions: devices, placement acts, guidance, laterality, locations, lesion labels,
counts, bracketing, biopsy, session cues, non-breast context.

Reads ``patterns/concepts.jsonl`` (phrase or token patterns with stable ids). Writes the span
group ``doc.spans["locaudit_concepts"]``: ``label_`` is the category, ``kb_id_`` the normalised
value (e.g. ``wire``, ``left``, ``stereotactic``), ``id_`` the rule id that fired. Overlaps are
resolved per category (longest wins), and a ``BLOCK`` rule that covers a mention of the category
it names removes it ('aneurysm clip' is not a clip, 'was left in place' is not a side).
What the note takes back is dropped too: text struck out by revision markup, an EHR pick list
left unresolved ('{Right/Left}'), and the mention a spoken self-correction withdraws
(``RETRACT`` rules: 'scratch that', 'I'm sorry').
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from locaudit.nlp.extensions import BLOCKS_KEY, CONCEPTS_KEY, note_text, register_extensions
from locaudit.nlp.matching import RuleMatcher
from locaudit.rules import load_concepts

# Text a report's revision markup strikes out: '<del>left</del>', '~~wire~~', '[deleted: ...]'
_STRUCK = re.compile(
    r"<(del|s|strike)>.*?</\1>|~~.*?~~|\[(?:deleted|struck|removed)\s*:[^\]\n]*\]",
    re.IGNORECASE | re.DOTALL,
)
# An EHR pick list left unresolved: '{Right/Left/Bilateral:20341}', '{SCOUT/Magseed/Wire}',
# '{Blank single:19197::"***"}' (Epic SmartList syntax): its options are not what was done
_UNPICKED = re.compile(r"\{[^{}\n]{0,80}/[^{}\n]{0,80}\}|\{Blank [^{}\n]{0,60}\}")
RETRACT_REACH = 6  # tokens between a withdrawn mention and 'scratch that' / 'I'm sorry'


def _unsaid(doc: Doc, kept: list[Span]) -> list[Span]:
    """What the note takes back: mentions inside struck-out revision markup or an unresolved
    pick list, and the mention a spoken self-correction withdraws ('left, I'm sorry, right
    breast': the one just before 'I'm sorry' of the kind said after it; 'a wire, scratch that,
    a [inaudible]': the one just before, whatever follows). The corrections themselves are no
    concepts."""
    text = note_text(doc)
    struck = (
        [(m.start(), m.end()) for m in _STRUCK.finditer(text)]
        if "<" in text or "~~" in text or "[" in text
        else []
    )
    if "{" in text:
        struck += [(m.start(), m.end()) for m in _UNPICKED.finditer(text)]
    gone: set[int] = set()
    for i, span in enumerate(kept):
        if span.label_ == "RETRACT":
            gone.add(i)
            after = next((s for s in kept[i + 1 :] if s.label_ != "RETRACT"), None)
            before = [
                j
                for j in range(i)
                if kept[j].label_ not in ("RETRACT", "BREAST")
                and span.start - kept[j].end <= RETRACT_REACH
                and j not in gone
            ]
            if after is not None and after.start - span.end <= RETRACT_REACH:
                before = [j for j in before if kept[j].label_ == after.label_] or before
            if before:
                gone.add(before[-1])
        elif any(a <= span.start_char and span.end_char <= b for a, b in struck):
            gone.add(i)
    return [span for i, span in enumerate(kept) if i not in gone] if gone else kept


def _split_label(span: Span) -> bool:
    """A lesion named by its position is named on one line ('Anterior site: ...'); across a
    line break it is a place's last word and the next field's key ('Location: 7:00, anterior\n
    Target: biopsy clip')."""
    return span.label_ == "LESION" and span.kb_id_ == "position" and "\n" in span.text


class Concepts:
    def __init__(self, nlp: Language, patterns_dir: str | None = None) -> None:
        register_extensions()
        self.rules = load_concepts(patterns_dir)
        self._matcher = RuleMatcher(nlp, [rule.pattern for rule in self.rules])

    def __call__(self, doc: Doc) -> Doc:
        by_label: dict[str, list[Span]] = {}
        for index, start, end in self._matcher(doc):
            rule = self.rules[index]
            span = Span(doc, start, end, label=rule.label, kb_id=rule.value, span_id=rule.id)
            by_label.setdefault(rule.label, []).append(span)
        blocks = filter_spans(by_label.pop("BLOCK", []))
        blocked = {(b.kb_id_, t) for b in blocks for t in range(b.start, b.end)}
        kept: list[Span] = []
        for label, spans in by_label.items():
            for span in filter_spans(spans):
                covered = all((label, t) in blocked for t in range(span.start, span.end))
                if not covered and not _split_label(span):
                    kept.append(span)
        kept.sort(key=lambda s: (s.start, s.end))
        doc.spans[CONCEPTS_KEY] = _unsaid(doc, kept)
        doc.spans[BLOCKS_KEY] = blocks
        return doc


@Language.factory(
    "locaudit_concepts",
    assigns=["doc.spans"],
    default_config={"patterns_dir": None},
)
def make_concepts(nlp: Language, name: str, patterns_dir: str | None) -> Concepts:
    return Concepts(nlp, patterns_dir)
