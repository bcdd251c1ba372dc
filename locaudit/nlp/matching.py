"""Turning rule lines (phrase or token pattern) into one spaCy matcher pair.

Shared by the concept and context components: phrases go to a ``PhraseMatcher`` on ``LOWER``
(fast, and case never matters). Every token pattern is checked by a ``Matcher`` with
``validate=True`` at load, so a bad pattern fails with spaCy's own message; those that read only
lexical attributes (all of ours) then run in a :class:`LexicalMatcher`, which returns what
spaCy's ``Matcher`` would, in its order, at a fraction of its cost (see that module). Any other
pattern (``NORM``, ``POS``, ``_``...) stays in a spaCy ``Matcher``, whose matches follow. All of it
is built once per pipeline.

Matching runs over the note without its whitespace tokens (:func:`without_space`), so a phrase
wrapped across lines ('three separate right breast\r\nlesions') still matches; the spans found
are mapped back to the note's own tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from locaudit.nlp.lexical_matcher import LexicalMatcher, is_lexical


class RuleMatcher:
    """Matches many rules at once; ``__call__`` yields (rule_index, start, end) token spans.

    ``lexical=False`` keeps every token pattern in spaCy's ``Matcher``: the reference that
    tests and ``benchmarks/bench_matcher.py`` hold the default against.
    """

    def __init__(
        self,
        nlp: Language,
        patterns: Sequence[str | list[dict[str, Any]]],
        *,
        lexical: bool = True,
    ) -> None:
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._tokens = Matcher(nlp.vocab, validate=True)  # patterns LexicalMatcher cannot take
        self._index: dict[int, int] = {}
        validator = Matcher(nlp.vocab, validate=True)
        fast: list[list[dict[str, Any]]] = []
        self._lexical_rule: list[int] = []  # LexicalMatcher pattern index -> rule index
        for i, pattern in enumerate(patterns):
            key = f"r{i}"
            self._index[nlp.vocab.strings.add(key)] = i
            if isinstance(pattern, str):
                self._phrases.add(key, [nlp.make_doc(pattern)])
            elif lexical and is_lexical(pattern):
                validator.add(key, [pattern])
                fast.append(pattern)
                self._lexical_rule.append(i)
            else:
                self._tokens.add(key, [pattern])
        self._lexical = LexicalMatcher(nlp.vocab, fast)
        self._has_tokens = len(self._tokens) > 0

    def __call__(self, doc: Doc) -> Iterable[tuple[int, int, int]]:
        compact, where = without_space(doc)
        for match_id, start, end in self._phrases(compact):
            yield self._index[match_id], *back(where, start, end)
        rule_of = self._lexical_rule
        for pattern, start, end in self._lexical(compact):
            yield rule_of[pattern], *back(where, start, end)
        if self._has_tokens:
            for match_id, start, end in self._tokens(compact):
                yield self._index[match_id], *back(where, start, end)


def without_space(doc: Doc) -> tuple[Doc, list[int] | None]:
    """The doc without whitespace tokens ('\r\n', runs of spaces), and where each of its
    tokens is in the original (None when there was nothing to drop)."""
    cached = doc.user_data.get(_COMPACT)
    if cached is not None and cached[0] == len(doc):
        return cached[1], cached[2]
    flags = doc.to_array(IS_SPACE)
    if not flags.any():
        return doc, None
    where = (flags == 0).nonzero()[0].tolist()
    if not where or where[-1] == len(where) - 1:
        return doc, None  # whitespace only at the end: nothing between words to skip
    if len(doc) > ARRAY_READ_FROM:  # a note: its words read from one array, not a Token each
        strings = doc.vocab.strings
        words = [strings[h] for h in doc.to_array(ORTH)[flags == 0].tolist()]
    else:  # a sentence: the array round trip costs more than a few Tokens
        words = [token.text for token in doc if not token.is_space]
    compact = Doc(doc.vocab, words=words, spaces=[True] * len(words))
    doc.user_data[_COMPACT] = (len(doc), compact, where)  # concepts and context share it
    return compact, where


_COMPACT = ("locaudit", "without_space")
ARRAY_READ_FROM = 64  # tokens


def forget_compact(doc: Doc) -> None:
    """Drop the shared compact doc once the last matcher ran (it doubles the doc's tokens)."""
    doc.user_data.pop(_COMPACT, None)


def back(where: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """A (start, end) span of the compact doc as a span of the original doc."""
    if where is None:
        return start, end
    return where[start], where[end - 1] + 1
