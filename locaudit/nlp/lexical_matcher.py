"""A drop-in for spaCy's token ``Matcher`` when every token spec reads only the lexeme.

Why: spaCy's ``Matcher`` starts every pattern at every token, so its cost grows with patterns x
tokens (about 0.1 ms per pattern per note here) even though almost no pattern can start at almost
any token. Here the two halves of matching are split:

* **Which token specs a token satisfies** depends only on its lexeme when a spec reads lexical
  attributes (``ORTH``/``TEXT``, ``LOWER``, ``SHAPE``, ``IS_PUNCT``, ``LIKE_NUM``... see
  :data:`LEXICAL_ATTRS`), whatever the predicate (``IN``, ``REGEX``, ``NOT_IN``, ``>=``...). So
  the answer is computed once per distinct word, by spaCy itself: every distinct spec is a
  one-token pattern of a "lexicon" ``Matcher`` run over a doc of the words not seen before, and
  the result is kept as a bit mask per orth id. A note of mostly known words costs one
  ``to_array`` and dictionary look-ups; there is no predicate logic of our own to get wrong.
* **The pattern automaton** (``?``, ``*``, ``+``, ``!``, ``{n,m}``) is a line-by-line port of
  ``find_matches``/``transition_states``/``get_action``/``finish_states`` from spaCy 3.8's
  ``matcher.pyx``, so it returns the very same matches - all lengths from one start for
  ``?``/``*``/``+``, ``!`` consuming a token, duplicates removed - in the very same order. The
  only shortcut: a pattern's state is created at a token only when that token satisfies one of
  the pattern's possible first specs. spaCy creates it everywhere and drops it at once (REJECT,
  no output, order of the others unchanged) when it does not, so the result is identical.

A pattern with a spec outside :data:`LEXICAL_ATTRS` (``NORM``, ``POS``, ``_``, ...) or an
unknown operator is not accepted (:func:`is_lexical`); the caller keeps such patterns in a
spaCy ``Matcher``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from spacy.attrs import ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Token attributes spaCy reads from the lexeme, so a spec on them depends on the orth id alone.
LEXICAL_ATTRS = frozenset(
    {
        "ORTH", "TEXT", "LOWER", "SHAPE", "PREFIX", "SUFFIX", "LENGTH",
        "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
        "IS_SPACE", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT",
        "IS_CURRENCY", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL",
    }
)  # fmt: skip

# Quantifiers and actions, as in spaCy's matcher.pxd / get_action.
ZERO, ZERO_ONE, ZERO_PLUS, ONE = range(4)
_OPS = {"*": (ZERO_PLUS,), "+": (ONE, ZERO_PLUS), "?": (ZERO_ONE,), "1": (ONE,), "!": (ZERO,)}
(
    REJECT, MATCH, ADVANCE, RETRY, MATCH_EXTEND, RETRY_ADVANCE, RETRY_EXTEND, MATCH_REJECT,
    MATCH_DOUBLE,
) = range(9)  # fmt: skip
_RETRIES = (RETRY, RETRY_ADVANCE, RETRY_EXTEND)
# get_action as a table: [quantifier][is_match][is_final] (ZERO is ONE with is_match negated).
_ACTION = {
    ONE: ((REJECT, REJECT), (ADVANCE, MATCH)),
    ZERO_PLUS: ((RETRY, MATCH_REJECT), (RETRY_EXTEND, MATCH_EXTEND)),
    ZERO_ONE: ((RETRY, MATCH_REJECT), (RETRY_ADVANCE, MATCH_DOUBLE)),
}
_MAX_KNOWN = 1_000_000  # words remembered before the table starts over (bounded memory)


def quantifiers(spec: dict[str, Any]) -> tuple[int, ...] | None:
    """spaCy's ``_get_operators`` for one token spec; None for an operator we do not know."""
    op = next((v for k, v in spec.items() if isinstance(k, str) and k.upper() == "OP"), None)
    if op is None:
        return (ONE,)
    if not isinstance(op, str):
        return None
    if op in _OPS:
        return _OPS[op]
    if len(op) > 2 and op[0] == "{" and op[-1] == "}":
        bounds = op[1:-1] if "," in op else f"{op[1:-1]},{op[1:-1]}"
        low, _, high = bounds.partition(",")
        if (low and not low.isdecimal()) or (high and not high.isdecimal()) or not (low or high):
            return None
        if low and high and int(low) > int(high):
            return None
        head = (ONE,) * int(low or 0)
        return head + ((ZERO_ONE,) * (int(high) - int(low or 0)) if high else (ZERO_PLUS,))
    return None


def is_lexical(pattern: Sequence[dict[str, Any]]) -> bool:
    """Can :class:`LexicalMatcher` take this (already validated) token pattern?"""
    if not pattern:
        return False
    for spec in pattern:
        if not isinstance(spec, dict) or quantifiers(spec) is None:
            return False
        for key in spec:
            if not isinstance(key, str) or key.upper() not in LEXICAL_ATTRS | {"OP"}:
                return False
    return True


class LexicalMatcher:
    """Matches token patterns that pass :func:`is_lexical`; ``__call__`` returns the same
    ``(pattern_index, start, end)`` list, in the same order, as a spaCy ``Matcher`` holding the
    same patterns (pattern ``i`` added as key ``i``, one pattern per key) would."""

    def __init__(self, vocab: Vocab, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        self.vocab = vocab
        self._lexicon = Matcher(vocab, validate=True)  # spec j as key "spec{j}": one token
        spec_bit: dict[str, int] = {}
        self._bit_of_key: dict[int, int] = {}
        steps: list[tuple[tuple[int, int], ...]] = []
        for pattern in patterns:
            if not is_lexical(pattern):
                raise ValueError(f"not a lexical token pattern: {pattern!r}")
            compiled = []
            for spec in pattern:
                bare = {k: v for k, v in spec.items() if k.upper() != "OP"}
                canon = json.dumps(bare, sort_keys=True)
                if canon not in spec_bit:
                    j = spec_bit[canon] = len(spec_bit)
                    key = f"spec{j}"
                    self._bit_of_key[vocab.strings.add(key)] = j
                    self._lexicon.add(key, [[bare]])
                mask = 1 << spec_bit[canon]
                compiled.extend((quantifier, mask) for quantifier in quantifiers(spec))
            steps.append(tuple(compiled))
        self._steps = tuple(steps)
        self._last = tuple(len(s) - 1 for s in steps)
        # A state survives the token it is created at only if the token satisfies one of the
        # specs up to the first required one. A leading '!' is satisfied by not matching, so
        # such a pattern starts everywhere.
        self._start_mask: list[int] = []
        self._starts_anywhere: list[bool] = []
        for pattern_steps in steps:
            mask, anywhere = 0, False
            for quantifier, bit in pattern_steps:
                if quantifier == ZERO:
                    anywhere = True
                    break
                mask |= bit
                if quantifier == ONE:
                    break
            self._start_mask.append(mask)
            self._starts_anywhere.append(anywhere)
        # orth id -> (bit mask of the specs its lexeme satisfies, patterns that may start there)
        self._known: dict[int, tuple[int, tuple[int, ...]]] = {}

    def __len__(self) -> int:
        return len(self._steps)

    def _learn(self, orths: list[int]) -> None:
        """Classify words not seen before with the lexicon Matcher (spaCy's own predicates)."""
        if len(self._known) > _MAX_KNOWN:
            self._known.clear()
        strings = self.vocab.strings
        words = list(dict.fromkeys(o for o in orths if o not in self._known))
        masks = [0] * len(words)
        if words:
            probe = Doc(self.vocab, words=[strings[o] for o in words])
            bit_of = self._bit_of_key
            for key, start, _end in self._lexicon(probe):
                masks[start] |= 1 << bit_of[key]
        for orth, mask in zip(words, masks):
            starts = tuple(
                p
                for p, (start_mask, anywhere) in enumerate(
                    zip(self._start_mask, self._starts_anywhere)
                )
                if anywhere or mask & start_mask
            )
            self._known[orth] = (mask, starts)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not self._steps or not len(doc):
            return []
        orths = doc.to_array(ORTH).tolist()
        known = self._known
        try:
            table = [known[o] for o in orths]
        except KeyError:
            self._learn(orths)
            table = [known[o] for o in orths]
        steps, last = self._steps, self._last
        matches: list[tuple[int, int, int]] = []
        states: list[tuple[int, int, int, int]] = []  # (pattern, step, start, length)
        for i, (mask, starts) in enumerate(table):
            if starts:
                states.extend([(p, 0, i, 0) for p in starts])
            elif not states:
                continue
            # transition_states: survivors keep their order, forks go after them
            kept: list[tuple[int, int, int, int]] = []
            forks: list[tuple[int, int, int, int]] = []
            for p, k, start, length in states:
                pattern = steps[p]
                final = last[p]
                quantifier, bit = pattern[k]
                if quantifier == ZERO:
                    action = _ACTION[ONE][not mask & bit][k == final]
                else:
                    action = _ACTION[quantifier][bool(mask & bit)][k == final]
                if action == REJECT:
                    continue
                while action in _RETRIES:
                    if action == RETRY_EXTEND:
                        forks.append((p, k, start, length + 1))
                    elif action == RETRY_ADVANCE:
                        forks.append((p, k + 1, start, length + 1))
                    k += 1
                    quantifier, bit = pattern[k]
                    if quantifier == ZERO:
                        action = _ACTION[ONE][not mask & bit][k == final]
                    else:
                        action = _ACTION[quantifier][bool(mask & bit)][k == final]
                if action == ADVANCE:
                    kept.append((p, k + 1, start, length + 1))
                elif action == MATCH:
                    matches.append((p, start, start + length + 1))
                elif action == MATCH_DOUBLE:
                    matches.append((p, start, start + length))
                    matches.append((p, start, start + length + 1))
                elif action == MATCH_REJECT:
                    matches.append((p, start, start + length))
                elif action == MATCH_EXTEND:
                    matches.append((p, start, start + length))
                    kept.append((p, k, start, length + 1))
            states = kept + forks if forks else kept
        # finish_states: states still open at the end may close on optional specs
        for p, k, start, length in states:
            pattern, final = steps[p], last[p]
            while pattern[k][0] in (ZERO_PLUS, ZERO_ONE):
                if k == final:
                    matches.append((p, start, start + length))
                    break
                k += 1
        # find_matches: first occurrence of each match, zero-length ones skipped
        seen: set[tuple[int, int, int]] = set()
        output = []
        for match in matches:
            if match[2] > match[1] and match not in seen:
                seen.add(match)
                output.append(match)
        return output
