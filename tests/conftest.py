"""Shared fixtures: one pipeline for the whole session (no downloads: blank English + rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

import locaudit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def nlp():
    return locaudit.load()


@pytest.fixture(scope="session")
def facts_of(nlp):
    def run(text: str):
        return nlp(text)._.locaudit_facts

    return run
