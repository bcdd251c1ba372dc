"""Lesion grouping: per lesion, not per device."""

from __future__ import annotations


def test_lesions_two_clocks_are_two_lesions(facts_of):
    facts = facts_of(
        "Under stereotactic guidance wires were placed at 2:00 and 10:00 in the left breast."
    )
    assert [les.clock for les in facts.lesions] == [2.0, 10.0]


def test_lesions_bracketing_is_one_lesion(facts_of):
    facts = facts_of(
        "Two wires were placed under stereotactic guidance to bracket the calcifications "
        "in the left breast at 1:00 and 2:00."
    )
    assert len(facts.lesions) == 1 and facts.lesions[0].bracketed


def test_lesions_impression_restatement_is_not_new(facts_of):
    facts = facts_of(
        "PROCEDURE: A wire was placed at 11:00 in the right breast under stereotactic guidance.\n"
        "IMPRESSION: Stereotactic wire localization, right breast."
    )
    assert len(facts.lesions) == 1


def test_lesions_biopsy_clip_is_biopsy_marker(facts_of):
    facts = facts_of(
        "Stereotactic vacuum-assisted biopsy of the left breast 2:00 calcifications was performed. "
        "A clip was deployed at the biopsy site."
    )
    assert [les.purpose for les in facts.lesions] == ["biopsy_marker"]


def test_lesions_side_of_one_lesion_is_not_given_to_another(facts_of):
    facts = facts_of(
        "Lesion 1: Right breast 9:00. A seed was placed under stereotactic guidance.\n"
        "Lesion 2: 3:00 posterior depth. A seed was placed under stereotactic guidance."
    )
    assert [les.laterality for les in facts.lesions] == ["right", None]
