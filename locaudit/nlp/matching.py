"""Turning rule lines (phrase or token pattern) into one spaCy matcher pair.

Shared by the concept and context components: phrases go to a ``PhraseMatcher`` on ``LOWER``
(fast, and case never matters), token patterns to a ``Matcher`` with ``validate=True`` so a bad
pattern fails at load with spaCy's own message. Both are built once per pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc


class RuleMatcher:
    """Matches many rules at once; ``__call__`` yields (rule_index, start, end) token spans."""

    def __init__(self, nlp: Language, patterns: Sequence[str | list[dict[str, Any]]]) -> None:
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._tokens = Matcher(nlp.vocab, validate=True)
        self._index: dict[int, int] = {}
        for i, pattern in enumerate(patterns):
            key = f"r{i}"
            self._index[nlp.vocab.strings.add(key)] = i
            if isinstance(pattern, str):
                self._phrases.add(key, [nlp.make_doc(pattern)])
            else:
                self._tokens.add(key, [pattern])

    def __call__(self, doc: Doc) -> Iterable[tuple[int, int, int]]:
        for match_id, start, end in self._phrases(doc):
            yield self._index[match_id], start, end
        for match_id, start, end in self._tokens(doc):
            yield self._index[match_id], start, end
