"""Adapter for ``shared/tools/negbench.py``: scores locaudit's ConText engine on the NegEx set.

    python ../shared/tools/negbench.py --func benchmarks/negbench_predictor.py:make_predictor()

Each sentence is tokenised with spaCy's blank English tokenizer and treated as one sentence.
"""

from __future__ import annotations

import spacy

from locaudit.nlp.context import ContextMatcher


def make_predictor():
    nlp = spacy.blank("en")
    engine = ContextMatcher(nlp)

    def predict(sentence: str, span: tuple[int, int]) -> str:
        doc = nlp.make_doc(sentence)
        mention = doc.char_span(span[0], span[1], alignment_mode="expand")
        if mention is None:
            return "affirmed"
        triggers = engine.triggers(doc)
        return engine.classify(doc, mention.start, mention.end, 0, len(doc), triggers).status

    return predict
