"""Concept mentions: devices, placement acts, guidance, laterality, locations, lesion labels,
counts, bracketing, biopsy, session cues, non-breast context.

Reads ``patterns/concepts.jsonl`` (phrase or token patterns with stable ids). Writes the span
group ``doc.spans["locaudit_concepts"]``: ``label_`` is the category, ``kb_id_`` the normalised
value (e.g. ``wire``, ``left``, ``stereotactic``), ``id_`` the rule id that fired. Overlaps are
resolved per category (longest wins), and a ``BLOCK`` rule that covers a mention of the category
it names removes it ('aneurysm clip' is not a clip, 'was left in place' is not a side).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from locaudit.nlp.extensions import BLOCKS_KEY, CONCEPTS_KEY, register_extensions
from locaudit.nlp.matching import RuleMatcher
from locaudit.rules import load_concepts


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
                if not covered:
                    kept.append(span)
        kept.sort(key=lambda s: (s.start, s.end))
        doc.spans[CONCEPTS_KEY] = kept
        doc.spans[BLOCKS_KEY] = blocks
        return doc


@Language.factory(
    "locaudit_concepts",
    assigns=["doc.spans"],
    default_config={"patterns_dir": None},
)
def make_concepts(nlp: Language, name: str, patterns_dir: str | None) -> Concepts:
    return Concepts(nlp, patterns_dir)
