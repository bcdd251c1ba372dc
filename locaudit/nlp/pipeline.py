"""Builds the locaudit pipeline from ``config.cfg``: ``spacy.blank("en")`` plus our components."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Config

# Importing the component modules registers their factories (entry points do it for others).
from locaudit.nlp import concepts, context, lesions, sections, segment, tokenizer  # noqa: F401

CONFIG_PATH = Path(__file__).resolve().parent / "config.cfg"
PATTERN_COMPONENTS = (
    "locaudit_sections",
    "locaudit_concepts",
    "locaudit_context",
    "locaudit_lesions",
)


def build_pipeline(patterns_dir: str | Path | None = None) -> Language:
    """A ready pipeline; ``patterns_dir`` swaps in a QA lead's copy of ``patterns/``."""
    config = Config().from_disk(CONFIG_PATH)
    if patterns_dir is not None:
        for name in PATTERN_COMPONENTS:
            config["components"][name]["patterns_dir"] = str(patterns_dir)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
