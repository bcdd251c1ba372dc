"""The ``Doc._.locaudit_*`` extensions, set once and guarded.

They hold plain data (offsets, ids, dataclasses of primitives), never Span objects, so docs
pickle for ``nlp.pipe(n_process=...)``. They are Python objects, so ``DocBin`` keeps them only
with ``store_user_data=False`` (the results live in the Assessment, not in serialised docs).
"""

from __future__ import annotations

from spacy.attrs import LOWER
from spacy.tokens import Doc

CONCEPTS_KEY = "locaudit_concepts"  # doc.spans key of the concept mentions
BLOCKS_KEY = "locaudit_blocks"  # doc.spans key of the blocking (false-friend) mentions

_EXTENSIONS = {
    "locaudit_sections": None,  # list[tuple[int, int, str]]: (start_char, end_char, section)
    "locaudit_context": None,  # list[ContextResult], aligned with doc.spans[CONCEPTS_KEY]
    "locaudit_facts": None,  # facts.NoteFacts
}


def register_extensions() -> None:
    for name, default in _EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()


_TEXT = ("locaudit", "text")
_LOWERS = ("locaudit", "lowers")


def note_text(doc: Doc) -> str:
    """``doc.text``, built once per note: spaCy joins every token each time it is asked, which
    cost more than a whole component when the lesion and context steps asked per sentence."""
    text = doc.user_data.get(_TEXT)
    if text is None:  # a doc's text never changes
        text = doc.user_data[_TEXT] = doc.text
    return text


def note_lowers(doc: Doc) -> list[str]:
    """Every token's lower-case form, read once per note from one array (a ``Token`` object
    per look-up is what made the lesion step slow)."""
    lowers = doc.user_data.get(_LOWERS)
    if lowers is None:
        strings = doc.vocab.strings
        lowers = doc.user_data[_LOWERS] = [strings[h] for h in doc.to_array(LOWER).tolist()]
    return lowers


def forget_text(doc: Doc) -> None:
    """Drop the cached text and words once the last component ran."""
    doc.user_data.pop(_TEXT, None)
    doc.user_data.pop(_LOWERS, None)
