"""ConText-style context of every concept mention: negated, historical, hypothetical, target.

Algorithm (Harkema et al., J Biomed Inform 2009): triggers from ``patterns/context.jsonl`` are
matched once per doc; overlapping triggers resolve longest-first, and a PSEUDO trigger ('no
change', 'without complication') cancels what it covers. Each remaining trigger opens a scope
forward, backward or both, limited by its window (tokens), the sentence, and TERMINATE terms
('but', 'however', a new placement verb...). A mention inside a scope, or inside the trigger
itself ('was not placed'), takes the trigger's category. TARGET is a domain category: the device
after 'through the' / 'adjacent to' is what a new device was aimed at, not a new device.

Scope details: rules matching the very same tokens all apply (a phrase listed forward and
backward acts both ways); a trigger that begins inside a long mention ('skin warm, without
lesion' as one concept) does not apply to it; windows count words, not extra spaces within a line
nor list glue (',', 'or', 'and', 'nor'), so 'denies fever, chills, nausea, or pain' is one scope.

Precedence when several apply: negated > hypothetical > historical > affirmed.

medspaCy's ConText would do this, but it refuses spaCy 3.8 on Python < 3.12 and ran about 4.4x
slower than negspaCy on the NegEx set; negspaCy has no historical or hypothetical. Figures are
in the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from locaudit.nlp.extensions import CONCEPTS_KEY, note_lowers, note_text, register_extensions
from locaudit.nlp.matching import RuleMatcher, forget_compact
from locaudit.nlp.segment import sentence_bounds
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
    """The trigger/scope engine, usable on any (doc, mention) pair, pipeline or not.

    Built once: the trigger rules go to a :class:`~locaudit.nlp.matching.RuleMatcher` (phrases
    on LOWER, token patterns in the lexical matcher), the same machinery as the concepts.
    Per-rule fields are copied into plain tuples so ``classify`` does no attribute lookups.
    """

    def __init__(self, nlp: Language, patterns_dir: str | None = None) -> None:
        self.rules: tuple[ContextRule, ...] = load_context(patterns_dir)
        self._matcher = RuleMatcher(nlp, [rule.pattern for rule in self.rules])
        self._category = tuple(rule.category for rule in self.rules)
        self._forward = tuple(r.direction in ("forward", "bidirectional") for r in self.rules)
        self._backward = tuple(r.direction in ("backward", "bidirectional") for r in self.rules)
        self._window = tuple(rule.window for rule in self.rules)
        self._ends = tuple(
            frozenset(rule.applies_to)
            if rule.category == "TERMINATE" and rule.applies_to
            else (_ALL if rule.category == "TERMINATE" else frozenset())
            for rule in self.rules
        )

    def triggers(self, doc: Doc) -> list[Trigger]:
        """All triggers in the doc, overlaps resolved longest-first, pseudo-triggers removed.

        Rules that match the very same tokens all stay (a phrase listed both forward and
        backward acts both ways); a PSEUDO match cancels every rule on the tokens it covers.
        A trigger inside a longer one gives way ('no' in 'no change'); partly overlapping ones
        both stand ('was scheduled' | 'scheduled for').
        """
        found = list(self._matcher(doc))
        if not found:
            return []
        found.sort(key=lambda t: (t[1] - t[2], t[1]))
        spans: dict[tuple[int, int], bool] = {}  # kept span -> cancelled by a PSEUDO
        pseudo = self._category
        kept = []
        for rule, start, end in found:
            span = (start, end)
            if span in spans:
                if not spans[span] and pseudo[rule] != "PSEUDO":
                    kept.append(Trigger(rule, start, end))
                continue
            if any(s <= start and end <= e for s, e in spans):
                continue
            spans[span] = cancelled = pseudo[rule] == "PSEUDO"
            if cancelled:
                kept = [t for t in kept if (t.start, t.end) != span]
            else:
                kept.append(Trigger(rule, start, end))
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
        """Context of the mention doc[start:end] inside the sentence [sent_start, sent_end).

        A trigger that begins inside the mention ('skin warm and dry without lesion' as one
        concept) describes part of the mention, not the mention: it does not apply. A mention
        that begins inside a trigger ('placed' in 'was not placed') takes the trigger's category.
        """
        hits: dict[str, Trigger] = {}
        category_of = self._category
        for trig in triggers:
            if trig.start >= sent_end or trig.end <= sent_start:
                continue
            rule = trig.rule
            category = category_of[rule]
            if category == "TERMINATE" or category in hits:
                continue
            if trig.start < end and start < trig.end:
                if start >= trig.start:
                    hits[category] = trig
                continue
            forward = start >= trig.end  # the mention after the trigger
            if forward:
                lo, hi, applies = trig.end, start, self._forward[rule]
            else:
                lo, hi, applies = end, trig.start, self._backward[rule]
            if (
                applies
                and self._within(doc, lo, hi, self._window[rule])
                and not self._terminated(triggers, lo, hi, category)
                and not self._bracketed(doc, lo, hi, forward)
            ):
                hits[category] = trig
        if not hits:
            return AFFIRMED
        status = next((STATUS_OF[c] for c in PRECEDENCE if c in hits), "affirmed")
        rules = self.rules
        spans = tuple(
            (rules[t.rule].id, doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1]))
            for t in hits.values()
        )
        return ContextResult(status, "TARGET" in hits, spans)

    @staticmethod
    def _within(doc: Doc, lo: int, hi: int, window: int) -> bool:
        """Are there fewer than ``window`` tokens in [lo, hi)? Extra spaces within a line (a
        double space after a period, wrapped text) do not count; a line break does."""
        if hi - lo < window:
            return True
        skipped = 0
        for i in range(lo, hi):
            token = doc[i]
            if (token.is_space and "\n" not in token.text) or token.lower_ in _LIST_GLUE:
                skipped += 1
        return hi - lo - skipped < window

    @staticmethod
    @staticmethod
    def _bracketed(doc: Doc, lo: int, hi: int, forward: bool) -> bool:
        """Is the trigger inside parentheses that close before the mention? '(bx 10/02 benign;
        prior clip not seen): tomo scout + stereo pair' - the aside's 'prior' and 'not' stay
        in the aside. (An aside still speaks of what it follows: 'Site 2 (not done)'.)"""
        if lo >= hi:
            return False
        if not forward:
            # backward: an aside opened after the mention speaks of it only when it opens with
            # the trigger ('Site 2 (not done)'), not 'one session (re-localization after
            # cancelled surgery)'
            lowers = note_lowers(doc)
            opened = [i for i in range(lo, hi) if lowers[i] == "("]
            if not opened:
                return False
            return ")" not in lowers[opened[-1] : hi] and hi - opened[-1] > 3
        first, last = doc[lo], doc[hi - 1]
        if ")" not in note_text(doc)[first.idx : last.idx + len(last)]:
            return False  # the common case: no aside closes in between
        depth = 0
        for i in range(lo, hi):
            for char in doc[i].text:  # '):' is one token
                if char == "(":
                    depth += 1
                elif char == ")":
                    if depth == 0:
                        return True
                    depth -= 1
        return False

    def _terminated(self, triggers: list[Trigger], lo: int, hi: int, category: str) -> bool:
        """Is there a terminator (for this category) between token lo and hi? One that runs
        into the mention does not end the scope before it: in 'no device was placed' the
        terminator 'was placed' ends the scope after 'placed', not before it."""
        ends = self._ends
        for trig in triggers:
            if trig.start >= hi:
                break
            if trig.start >= lo and trig.end <= hi and category in ends[trig.rule]:
                return True
        return False


def _first_line_end(doc: Doc) -> int:
    """Token index where the note's first line ends (its title, with the date of service)."""
    for token in doc:
        if "\n" in token.text_with_ws:
            return token.i + 1
    return len(doc)


_LIST_GLUE = frozenset((",", "or", "and", "nor", "/"))
_ALL = frozenset(("NEGATED", "HISTORICAL", "HYPOTHETICAL", "TARGET", "PSEUDO"))


class Context:
    """Pipeline component: a ContextResult for every concept mention."""

    def __init__(self, nlp: Language, patterns_dir: str | None = None) -> None:
        register_extensions()
        self.engine = ContextMatcher(nlp, patterns_dir)

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc.spans.get(CONCEPTS_KEY, [])
        if not len(mentions):
            forget_compact(doc)
            doc._.locaudit_context = []
            return doc
        triggers = self.engine.triggers(doc)
        forget_compact(doc)
        first_line = _first_line_end(doc)
        triggers = [
            t for t in triggers if t.start >= first_line or self.engine.rules[t.rule].first_line
        ]
        sents = sentence_bounds(doc)  # once: Token.sent rescans
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
