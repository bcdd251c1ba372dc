"""Sentence boundaries for dictated and exported notes.

Clinical notes break lines in mid-sentence, use headers, bullets and numbered lists, and come
with ``\\r\\n``, tabs and HTML entities. A statistical parser is not available (no model can be
downloaded), and spaCy's rule ``sentencizer`` only looks at punctuation. This component adds the
line-layout rules: a blank line always ends a sentence; a single line break ends it unless the
line is visibly wrapped (the previous line has no closing punctuation and the next one starts in
lower case). Sentence-final punctuation ends a sentence as usual, and so does punctuation
that speech recognition left spoken ('... these two wires bracket one lesion period the six
o'clock clip was targeted'), unless the word is used in its sense ('a period of observation').
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token

from locaudit.nlp.extensions import note_lowers
from locaudit.nlp.places import CLOCK_FACE, OPPOSITE

_FINAL = frozenset({".", "!", "?"})
_KEY = re.compile(r"[A-Za-z]+_?[0-9]{1,2}")  # 'LESION_1', 'lesion2' before '.SIDE'
_BULLETS = frozenset({"-", "*", "•", "·", "–", "—", ">", "o"})
# HTML exports break lines with tags, not newlines ('...deployed.<br/>Lesion 2 (right 12:00)')
_HTML_BREAKS = frozenset(
    {"<br>", "<br/>", "<br />", "<p>", "</p>", "<tr>", "</tr>", "<li>", "</li>", "<div>", "</div>"}
)


_MID_PHRASE = frozenset(
    {"and", "or", "the", "a", "an", "of", "with", "to", "at", "in", "for", "from", "on", ",", "-"}
)


_OPEN_ENDS = (_MID_PHRASE - {",", "-"}) | {"second", "third", "another"}


# dictated punctuation that speech recognition wrote out as words: a sentence ends after it
_SPOKEN_STOPS = frozenset({"period", "paragraph"})
_SPOKEN_WORDS = _SPOKEN_STOPS | {"line"}  # 'period', 'new paragraph' (and 'new line')
# ... but not where the word is meant: 'a period of', 'the recovery period', 'observation period'
_NOT_SPOKEN_AFTER = frozenset(
    {"a", "the", "this", "that", "each", "recovery", "observation", "waiting", "short", "brief",
     "time", "trial", "postoperative", "post-procedure", "menstrual", "washout", "same"}
)  # fmt: skip


def _spoken_stop(doc: Doc, i: int, prev_word) -> bool:
    """Is token ``i`` punctuation spoken aloud ('... one lesion period the six o'clock')?"""
    token = doc[i]
    if i + 1 >= len(doc):
        return False
    if token.lower_ == "line":  # 'new line'
        return prev_word is not None and prev_word.lower_ == "new"
    if token.lower_ not in _SPOKEN_STOPS:
        return False
    if prev_word is not None and prev_word.lower_ in _NOT_SPOKEN_AFTER:
        return False
    return doc[i + 1].lower_ != "of"


def _mostly_lowercase_lines(doc: Doc) -> bool:
    """Do most lines start in lower case (speech recognition without capitals)?"""
    firsts = [
        doc[i + 1]
        for i, token in enumerate(doc[:-1])
        if token.is_space and "\n" in token.text and not doc[i + 1].is_space
    ]
    words = [t for t in firsts if t.is_alpha]
    return len(words) >= 3 and sum(t.is_lower for t in words) >= 0.6 * len(words)


# words a place follows ('the\n10:00 site'): not 'and', which may join numbered items
_BEFORE_PLACE = frozenset({"the", "a", "an", "at", "of", "to", "from", "in"})


def _place_goes_on(prev_word: Token, nxt: Token) -> bool:
    """Does a line that stops on 'the', 'at', 'of'... go on with a place ('the\n10:00')?"""
    return nxt.text[:1].isdigit() and prev_word.lower_ in _BEFORE_PLACE


def _side_goes_on(doc: Doc, prev_word: Token, nxt: Token) -> bool:
    """Does a line that stops on a side in lower case go on with its clock face ('two separate
    lesions, left 1:00 and left\n5:00, one session')? Not a field's value ('Side: left')."""
    return (
        prev_word.text in OPPOSITE
        and CLOCK_FACE.fullmatch(nxt.text) is not None
        and prev_word.i > 0
        and doc[prev_word.i - 1].text not in (":", "=")
    )


class Segmenter:
    """Sets ``Token.is_sent_start`` from punctuation and line layout."""

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        starts = [False] * len(doc)
        starts[0] = True
        lowercase_note = _mostly_lowercase_lines(doc)
        lowers = note_lowers(doc)  # one array read: a Token per look-up is the slow part
        prev_word = None  # last non-space token before the current position
        for i, token in enumerate(doc):
            if token.is_space:
                newlines = (
                    token.text.count("\n") + token.text.count("\r") - token.text.count("\r\n")
                )
                if newlines and i + 1 < len(doc):
                    nxt = doc[i + 1]
                    wrapped = (
                        newlines == 1
                        and prev_word is not None
                        and prev_word.text not in _FINAL
                        and prev_word.text != ":"
                        and nxt.text not in _BULLETS
                        and (
                            (
                                nxt.is_lower
                                # a note dictated all in lower case starts its lines in lower
                                # case too: there a line is wrapped only where it stops
                                # mid-phrase
                                and (not lowercase_note or prev_word.lower_ in _MID_PHRASE)
                            )
                            # '... and placed the second\nLOCalizer tag': a line that stops
                            # on an article or a preposition goes on, whatever the next
                            # word's case (a brand, a name), or a place ('Localization of
                            # the\n10:00 site was therefore not performed')
                            or (
                                not lowercase_note
                                and prev_word.is_lower
                                and prev_word.lower_ in _OPEN_ENDS
                                and (nxt.is_alpha or _place_goes_on(prev_word, nxt))
                            )
                            or _side_goes_on(doc, prev_word, nxt)
                        )
                    )
                    if not wrapped:
                        starts[i + 1] = True
                continue
            key_path = (  # 'LESION_1.SIDE: Right': a database key's path, no full stop
                prev_word is not None
                and prev_word.text == "."
                and not prev_word.whitespace_
                and i >= 2
                and _KEY.fullmatch(doc[i - 2].text) is not None
            )
            if (
                prev_word is not None
                and prev_word.text in _FINAL
                and not starts[i]
                and not key_path
            ) or (
                prev_word is not None
                and (
                    (token.text in _BULLETS and doc[i - 1].is_space)
                    or prev_word.lower_ in _HTML_BREAKS
                )
            ):
                starts[i] = True
            if lowers[i] in _SPOKEN_WORDS and _spoken_stop(doc, i, prev_word):
                nxt = i + 1
                while nxt < len(doc) and doc[nxt].is_space:
                    nxt += 1
                if nxt < len(doc):
                    starts[nxt] = True
            prev_word = token
        # one array write: setting Token.is_sent_start re-checks the whole doc per token
        flags = numpy.where(numpy.array(starts), 1, -1).astype("int64").astype("uint64")
        doc.from_array([SENT_START], flags.reshape(-1, 1))
        return doc


@Language.factory(
    "locaudit_segmenter",
    assigns=["token.is_sent_start"],
    default_config={},
)
def make_segmenter(nlp: Language, name: str) -> Segmenter:
    return Segmenter()


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of the doc's sentences, read from one array: spaCy's
    ``doc.sents`` walks every token in Python, which costs more than our own components."""
    if not len(doc):
        return []
    starts = (doc.to_array(SENT_START) == 1).nonzero()[0].tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, [*starts[1:], len(doc)]))
