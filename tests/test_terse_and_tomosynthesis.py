"""Terse high-volume reports ('IMP:', side letters with counts) and lesions targeted on
tomosynthesis after stereotactic views failed to show them."""

from __future__ import annotations

import pytest

import locaudit


@pytest.mark.parametrize(
    "failed",
    [
        "the clip was faint on the stereo pair, so the target was selected on DBT slice 34",
        "the distortion was not identified on the stereotactic scout; targeted on "
        "tomosynthesis slice 26",
        "distortion (stereo-occult): targeted on the DBT stack",
    ],
)
def test_a_lesion_the_stereo_views_did_not_show_is_tomosynthesis_only(facts_of, failed):
    facts = facts_of(
        "Lesion 1, left 2:00: prone stereotactic table, stereo pair, SCOUT reflector deployed "
        f"at the clip.\nLesion 2, left 10:00: {failed}; SCOUT reflector deployed.\n"
        "IMPRESSION: Reflector localization of two separate left breast lesions."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]
    assert facts.lesions[1].tomosynthesis_only


def test_stereo_that_showed_the_target_is_still_its_guidance(facts_of):
    facts = facts_of(
        "Lesion 1, left 2:00: prone stereotactic table, stereo pair, SCOUT reflector deployed "
        "at the clip.\nLesion 2, left 10:00: the clip was well seen on the stereo pair; "
        "tomosynthesis confirmed the depth; SCOUT reflector deployed.\n"
        "IMPRESSION: Reflector localization of two separate left breast lesions."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", "stereotactic"]


def test_imp_is_an_impression_header_and_its_list_does_not_override_the_body(nlp, facts_of):
    text = (
        "R 8:00 calcs: prone stereo, Kopans wire at clip. R 12:00 distortion (stereo-occult): "
        "wire under DBT guidance, upright. Separate lesions.\n{header} R NL x2 (1 stereo, 1 DBT)."
    )
    facts = facts_of(text.format(header="IMP:"))
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]
    assert locaudit.assess(text.format(header="IMP:")).verdict == "needs_review"
    assert [name for _, _, name in nlp("IMP: wire at 2:00.")._.locaudit_sections] == ["impression"]
    # 'IMP' with no colon is no header (an impression needs its colon when so short)
    assert [name for _, _, name in nlp("IMP wire at 2:00.")._.locaudit_sections] == ["other"]


def test_side_letters_joined_or_counted_give_each_side(facts_of):
    facts = facts_of(
        "RSL x3 (prone stereo, one session)\n"
        "R 9:00 5 cm FN | R 1:00 8 cm FN | L 6:00 3 cm FN -- one I-125 seed each, at clip.\n"
        "cc/ml all three OK. Seeds logged.\nIMP: RSL R x2, L x1."
    )
    assert [les.laterality for les in facts.lesions] == ["right", "right", "left"]
    facts = facts_of(
        "BILAT STEREO NL\nRT 10:00 calcs (ribbon clip) -- 20g hookwire. LT 2:00 calcs (barbell "
        "clip) -- 20g hookwire. Same visit, prone.\nIMP: R + L NL, 1 lesion each breast."
    )
    assert [les.laterality for les in facts.lesions] == ["right", "left"]


def test_two_wires_at_one_clock_face_far_apart_from_the_nipple_are_two_places(facts_of):
    text = "L stereo NL x2, both 3:00: wire 1 AD 4 cm FN, wire 2 PD {far} cm FN. cc/ml ok."
    assert len(facts_of(text.format(far=8)).lesions) == 2
    # the same distance: one place, so one lesion (nothing tells the two apart)
    assert len(facts_of(text.format(far=4)).lesions) == 1
