"""RuleMatcher / LexicalMatcher against spaCy's own Matcher: same matches, same order.

Every test builds the reference the way the old RuleMatcher did (one spaCy ``Matcher``, pattern i
as key i) and compares the full output lists, so an extra, missing or reordered match fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher

from locaudit.nlp.lexical_matcher import LexicalMatcher, is_lexical
from locaudit.nlp.matching import RuleMatcher
from locaudit.rules import load_concepts, load_context

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def spacy_matches(nlp, patterns, doc) -> list[tuple[int, int, int]]:
    matcher = Matcher(nlp.vocab, validate=True)
    for i, pattern in enumerate(patterns):
        matcher.add(f"p{i}", [pattern])
    index = {nlp.vocab.strings[f"p{i}"]: i for i in range(len(patterns))}
    return [(index[key], start, end) for key, start, end in matcher(doc)]


def assert_same(nlp, patterns, text):
    doc = nlp.make_doc(text)
    expected = spacy_matches(nlp, patterns, doc)
    assert LexicalMatcher(nlp.vocab, patterns)(doc) == expected
    assert list(RuleMatcher(nlp, patterns)(doc)) == expected
    return expected


TEXT = (
    "Left breast: 2 wires, 12:30 pm, x2 sites. The LEFT scout image; "
    "Tomo scout reflector, stereo scout view. "
    "Bx 10/02 benign. U/S-visible mass #2 at 3 o'clock, 4 cm FN. Lesion (b) and ( ii ). "
    "Biopsy , IDC . stereo scout"
)

ATTRIBUTE_PATTERNS = {
    "LOWER": [{"LOWER": "left"}],
    "LOWER IN": [{"LOWER": {"IN": ["left", "right", "scout"]}}],
    "LOWER REGEX": [{"LOWER": {"REGEX": "^x[2-6]$"}}],
    "LOWER NOT_IN": [{"LOWER": "scout"}, {"LOWER": {"NOT_IN": ["image", "reflector"]}}],
    "ORTH": [{"ORTH": "LEFT"}],
    "ORTH IN": [{"ORTH": {"IN": ["S", "US"]}}, {"ORTH": "-"}],
    "TEXT IN": [{"TEXT": {"IN": ["Left", "Tomo"]}}],
    "TEXT REGEX": [{"TEXT": {"REGEX": r"^(1[0-2]|[1-9]):[0-5][0-9]$"}}, {"LOWER": "pm"}],
    "SHAPE IN": [{"LOWER": "bx"}, {"SHAPE": {"IN": ["dd/dd", "d/dd"]}}],
    "IS_PUNCT": [{"LOWER": "biopsy"}, {"IS_PUNCT": True}, {"LOWER": "idc"}],
    "IS_PUNCT false": [{"IS_PUNCT": False, "LOWER": {"IN": ["lesion", "b"]}}],
    "LIKE_NUM": [{"LIKE_NUM": True}, {"LOWER": "cm"}],
    "LENGTH": [{"LENGTH": {">=": 6}, "IS_ALPHA": True}],
    "any token": [{"LOWER": "lesion"}, {}, {}],
}


@pytest.mark.parametrize("name", list(ATTRIBUTE_PATTERNS))
def test_matching_attribute_same_as_spacy(blank, name):
    assert assert_same(blank, [ATTRIBUTE_PATTERNS[name]], TEXT), f"{name} should match the text"


OP_PATTERNS = {
    "? inside": [{"LOWER": "lesion"}, {"ORTH": "(", "OP": "?"}, {"LOWER": "b"}],
    "? at end": [{"LOWER": "scout"}, {"LOWER": "image", "OP": "?"}],
    "? at start": [{"LOWER": "the", "OP": "?"}, {"LOWER": "left"}],
    "? twice": [{"LOWER": "mass"}, {"ORTH": "#", "OP": "?"}, {"LIKE_NUM": True, "OP": "?"}],
    "* inside": [{"LOWER": "tomo"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "reflector"}],
    "* at end": [{"LOWER": "left"}, {"IS_ALPHA": True, "OP": "*"}],
    "* at start": [{"IS_ALPHA": True, "OP": "*"}, {"LOWER": "scout"}],
    "* then same spec": [{"LOWER": "u"}, {"IS_PUNCT": True, "OP": "*"}, {"IS_PUNCT": True}],
    "+": [{"LIKE_NUM": True}, {"IS_ALPHA": True, "OP": "+"}],
    "+ at start": [{"IS_ALPHA": True, "OP": "+"}, {"ORTH": "."}],
    "! at end": [{"LOWER": "scout"}, {"LOWER": "reflector", "OP": "!"}],
    "! at doc end": [{"LOWER": "stereo"}, {"LOWER": "scout"}, {"LOWER": "x", "OP": "!"}],
    "! at start": [{"IS_PUNCT": True, "OP": "!"}, {"LOWER": "scout"}],
    "{n}": [{"IS_ALPHA": True, "OP": "{2}"}, {"ORTH": ":"}],
    "{n,m}": [{"LOWER": "lesion"}, {"OP": "{1,3}"}, {"ORTH": ")"}],
    "{,m}": [{"LOWER": "the"}, {"IS_UPPER": True, "OP": "{,2}"}],
    "{n,}": [{"LOWER": "x2"}, {"IS_ALPHA": True, "OP": "{1,}"}],
    "all optional": [{"LOWER": "scout", "OP": "?"}, {"LOWER": "image", "OP": "*"}],
}


@pytest.mark.parametrize("name", list(OP_PATTERNS))
def test_matching_operator_same_as_spacy(blank, name):
    assert assert_same(blank, [OP_PATTERNS[name]], TEXT), f"{name} should match the text"


def test_matching_many_patterns_keep_spacy_order(blank):
    patterns = list(ATTRIBUTE_PATTERNS.values()) + list(OP_PATTERNS.values())
    assert len(assert_same(blank, patterns, TEXT)) > 40


def test_matching_unsupported_attribute_falls_back_to_spacy(blank):
    norm = [{"NORM": "not"}, {"LOWER": "placed"}]
    extension = [{"_": {"flag": True}}]
    assert not is_lexical(norm) and not is_lexical(extension)
    with pytest.raises(ValueError, match="not a lexical"):
        LexicalMatcher(blank.vocab, [norm])
    patterns = [[{"LOWER": "wire"}], norm, [{"LOWER": "was"}]]
    matcher = RuleMatcher(blank, patterns)
    assert len(matcher._tokens) == 1 and len(matcher._lexical) == 2
    doc = blank("The wire wasn't placed; wire was not placed.")
    found = list(matcher(doc))
    assert sorted(found) == sorted(spacy_matches(blank, patterns, doc))
    assert {(1, 3, 5), (1, 8, 10)} <= set(found)  # "n't placed", 'not placed': NORM is 'not'


def test_matching_bad_pattern_fails_at_load_with_spacy_message(blank):
    with pytest.raises(MatchPatternError):
        RuleMatcher(blank, [[{"LOWER": {"IN": "left"}}]])
    with pytest.raises(MatchPatternError):
        RuleMatcher(blank, [[{"LOWR": "left"}]])
    with pytest.raises(ValueError):
        RuleMatcher(blank, [[{"LOWER": "left", "OP": "%"}]])


def test_matching_words_are_classified_once(blank):
    matcher = LexicalMatcher(blank.vocab, [[{"LOWER": "left"}, {"LOWER": "breast"}]])
    doc = blank.make_doc("left breast, LEFT breast")
    assert matcher(doc) == [(0, 0, 2), (0, 3, 5)]
    known = dict(matcher._known)
    assert matcher(doc) == [(0, 0, 2), (0, 3, 5)]
    assert matcher._known == known and len(known) == 4


def test_matching_spans_map_back_across_whitespace(blank):
    patterns = [[{"LOWER": "right"}, {"LOWER": "breast"}], "right breast lesion"]
    doc = blank.make_doc("right\r\n  breast\n lesion")
    assert sorted(RuleMatcher(blank, patterns)(doc)) == [(0, 0, 3), (1, 0, 5)]


def _notes() -> list[str]:
    files = [
        *sorted((ROOT / "fixtures" / "gold").glob("*.jsonl")),
        ROOT / "fixtures/examples/notes.jsonl",
    ]
    texts = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                texts.append(json.loads(line)["text"])
            except json.JSONDecodeError:
                continue
    return texts


@pytest.mark.parametrize("rules", [load_concepts, load_context], ids=["concepts", "context"])
def test_matching_rule_files_same_as_spacy_on_every_note(nlp, rules):
    patterns = [rule.pattern for rule in rules()]
    new, old = RuleMatcher(nlp, patterns), RuleMatcher(nlp, patterns, lexical=False)
    for text in _notes():
        doc = nlp.make_doc(text)
        assert list(new(doc)) == list(old(doc))


# Random patterns over a tiny vocabulary, so that every operator meets every other often.
_WORDS = ["a", "b", "A", "c", ",", "1"]
_SPECS = [
    {"LOWER": "a"},
    {"ORTH": "b"},
    {"LOWER": {"IN": ["a", "b"]}},
    {"TEXT": {"REGEX": "^[A-Z]"}},
    {"IS_PUNCT": True},
    {"LIKE_NUM": True},
    {"SHAPE": {"IN": ["x", "d"]}},
    {},
]
_OPS = [None, None, "?", "*", "+", "!", "{1,2}"]


@st.composite
def _pattern(draw):
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        spec = dict(draw(st.sampled_from(_SPECS)))
        op = draw(st.sampled_from(_OPS))
        if op:
            spec["OP"] = op
        steps.append(spec)
    return steps


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    patterns=st.lists(_pattern(), min_size=1, max_size=4),
    words=st.lists(st.sampled_from(_WORDS), min_size=0, max_size=10),
)
def test_matching_random_patterns_same_as_spacy(blank, patterns, words):
    doc = spacy.tokens.Doc(blank.vocab, words=words)
    assert LexicalMatcher(blank.vocab, patterns)(doc) == spacy_matches(blank, patterns, doc)
