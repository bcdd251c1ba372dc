"""Golden tests over the gold-annotated notes.

Floors, not targets: they fail when a change makes the checker worse than the last measured
figures on the dev split (the README shows the current figures as `locaudit evaluate` prints them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import locaudit
from locaudit.evaluate import evaluate, load_gold
from tests.conftest import FIXTURES

GOLD = FIXTURES / "gold"


def test_gold_files_are_well_formed():
    for split in ("dev", "test"):
        for row in load_gold(GOLD / f"{split}.jsonl"):
            gold = row["gold"]
            addon = sum(c["units"] for c in gold["codes"] if c["code"] == "19284")
            assert addon == gold["units_19284"], row["id"]


def test_gold_dev_floor():
    # A guard against a broken pipeline, not the targets (the README reports those):
    # the dev split grows with every blind set merged, and the new sets are the hard ones, so
    # the floors sit a little under the figures they guard (dev 0.891 / 0.927 / 0.900 when the
    # gold held 5052 notes).
    figures = evaluate(load_gold(GOLD / "dev.jsonl")).as_dict()
    assert figures["verdict_accuracy"] >= 0.85
    assert figures["supported_precision"] >= 0.90
    assert figures["lesion_count_exact"] >= 0.85


def test_gold_evidence_spans_quote_the_note():
    import locaudit

    for row in load_gold(GOLD / "dev.jsonl")[:40]:
        result = locaudit.assess(row["text"])
        for lesion in result.lesions:
            for ev in lesion.evidence:
                assert row["text"][ev.start : ev.end] == ev.text


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.mark.parametrize("name", ["mtsamples_breast.jsonl", "mtsamples_other.jsonl"])
def test_public_samples_never_support_19284(name):
    """The public MTSamples notes (read in place, never copied) hold no two-lesion stereotactic
    localization (corpus README): none may be called supported, none may bill 19284."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} not present: the shared corpus is outside this repository")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    results = list(locaudit.assess_many([r["text"] for r in rows], [r["id"] for r in rows]))
    called = {a.id: a.verdict for a in results if a.verdict == "supported" or a.units_19284}
    assert called == {}
    assert all(a.verdict != "error" for a in results)
