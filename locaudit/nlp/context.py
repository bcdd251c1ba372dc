"""ConText-style context of every concept mention: negated, historical, hypothetical, target.

Algorithm (Harkema et al., J Biomed Inform 2009): triggers from ``patterns/context.jsonl`` are
matched once per doc; overlapping triggers resolve longest-first, and a PSEUDO trigger ('no
change', 'without complication') cancels what it covers. Each remaining trigger opens a scope
forward, backward or both, limited by its window (tokens), the sentence, and TERMINATE terms
('but', 'however', a new placement verb...). A mention inside a scope, or inside the trigger
itself ('was not placed'), takes the trigger's category. TARGET is a domain category: the device
after 'through the' / 'adjacent to' is what a new device was aimed at, not a new device.

Precedence when several apply: negated > hypothetical > historical > affirmed.

medspaCy's ConText would do this, but it refuses spaCy 3.8 on Python < 3.12 and ran about 4.4x
slower than negspaCy on the NegEx set; negspaCy has no historical or hypothetical. Figures are
in the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from locaudit.nlp.extensions import CONCEPTS_KEY, register_extensions
from locaudit.nlp.matching import RuleMatcher
from locaudit.rules import ContextRule, load_context

PRECEDENCE = ("NEGATED", "HYPOTHETICAL", "HISTORICAL")
STATUS_OF = {"NEGATED": "negated", "HYPOTHETICAL": "hypothetical", "HISTORICAL": "historical"}


@dataclass(frozen=True, slots=True)
class Trigger:
    rule: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ContextResult:
    """Context of one concept mention; ``triggers`` are (rule id, start_char, end_char)."""

    status: str  # affirmed | negated | historical | hypothetical
    target: bool
    triggers: tuple[tuple[str, int, int], ...] = ()


AFFIRMED = ContextResult("affirmed", False)


class ContextMatcher:
    """The trigger/scope engine, usable on any (doc, mention) pair, pipeline or not."""

    def __init__(self, nlp: Language, patterns_dir: str | None = None) -> None:
        self.rules: tuple[ContextRule, ...] = load_context(patterns_dir)
        self._matcher = RuleMatcher(nlp, [rule.pattern for rule in self.rules])

    def triggers(self, doc: Doc) -> list[Trigger]:
        """All triggers in the doc, overlaps resolved longest-first, pseudo-triggers removed."""
        found = sorted(
            (Trigger(i, s, e) for i, s, e in self._matcher(doc)),
            key=lambda t: (t.start - t.end, t.start),
        )
        spans: list[tuple[int, int]] = []
        kept = []
        for trig in found:
            # A trigger inside a longer one gives way ('no' in 'no change'); the same words
            # under several rules ('declined' both ways) and partial overlaps ('was scheduled'
            # | 'scheduled for') all stand.
            if any(
                s <= trig.start and trig.end <= e and (s, e) != (trig.start, trig.end)
                for s, e in spans
            ):
                continue
            spans.append((trig.start, trig.end))
            if self.rules[trig.rule].category != "PSEUDO":
                kept.append(trig)
        kept.sort(key=lambda t: t.start)
        return kept

    def classify(
        self,
        doc: Doc,
        start: int,
        end: int,
        sent_start: int,
        sent_end: int,
        triggers: list[Trigger],
    ) -> ContextResult:
        """Context of the mention doc[start:end] inside the sentence [sent_start, sent_end)."""
        hits: dict[str, Trigger] = {}
        rules = self.rules
        for trig in triggers:
            if trig.start >= sent_end or trig.end <= sent_start:
                continue
            rule = rules[trig.rule]
            category = rule.category
            if category == "TERMINATE" or category in hits:
                continue
            if trig.start < end and start < trig.end:
                hits[category] = trig
                continue
            if rule.direction in ("forward", "bidirectional") and start >= trig.end:
                limit = min(sent_end, trig.end + rule.window)
                if start < limit and not self._terminated(triggers, trig.end, start, category):
                    hits[category] = trig
                    continue
            if rule.direction in ("backward", "bidirectional") and end <= trig.start:
                limit = max(sent_start, trig.start - rule.window)
                if start >= limit and not self._terminated(triggers, end, trig.start, category):
                    hits[category] = trig
        if not hits:
            return AFFIRMED
        status = next((STATUS_OF[c] for c in PRECEDENCE if c in hits), "affirmed")
        spans = tuple(
            (rules[t.rule].id, doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1]))
            for t in hits.values()
        )
        return ContextResult(status, "TARGET" in hits, spans)

    def _terminated(self, triggers: list[Trigger], lo: int, hi: int, category: str) -> bool:
        """Is there a terminator (for this category) between token lo and hi?"""
        for trig in triggers:
            if trig.start >= hi:
                break
            if trig.start >= lo:
                rule = self.rules[trig.rule]
                if rule.category == "TERMINATE" and (
                    not rule.applies_to or category in rule.applies_to
                ):
                    return True
        return False


class Context:
    """Pipeline component: a ContextResult for every concept mention."""

    def __init__(self, nlp: Language, patterns_dir: str | None = None) -> None:
        register_extensions()
        self.engine = ContextMatcher(nlp, patterns_dir)

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc.spans.get(CONCEPTS_KEY, [])
        if not len(mentions):
            doc._.locaudit_context = []
            return doc
        triggers = self.engine.triggers(doc)
        sents = [(sent.start, sent.end) for sent in doc.sents]  # once: Token.sent rescans
        results = []
        index = 0
        for span in mentions:  # mentions are sorted by start
            while sents[index][1] <= span.start:
                index += 1
            start, end = sents[index]
            results.append(self.engine.classify(doc, span.start, span.end, start, end, triggers))
        doc._.locaudit_context = results
        return doc


@Language.factory(
    "locaudit_context",
    assigns=["doc._.locaudit_context"],
    requires=["doc.spans", "token.is_sent_start"],
    default_config={"patterns_dir": None},
)
def make_context(nlp: Language, name: str, patterns_dir: str | None) -> Context:
    return Context(nlp, patterns_dir)
