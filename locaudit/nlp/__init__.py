"""spaCy components of locaudit, one per module, each registered where it is defined.

``locaudit.nlp.pipeline`` imports them all; the ``spacy_factories`` entry points register them
for anyone's pipeline, so ``nlp.add_pipe("locaudit_concepts")`` works without an import.
"""
