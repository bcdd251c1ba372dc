"""A lesion inventory: what is said of 'each site' and of the places listed before."""

from __future__ import annotations

import pytest

import locaudit

FOUR_SITES = (
    "PROCEDURE: BILATERAL STEREOTACTIC I-125 SEED LOCALIZATION, FOUR SITES\n"
    "Technique: Prone stereotactic table; the patient was repositioned once, between the left "
    "and right breasts. Each site: scout, stereo pair, 18-gauge needle, one I-125 seed.\n"
    "  Site 1  LEFT 2:00, 5 cm FN, coil clip          seed at clip\n"
    "  Site 2  LEFT 10:00, 7 cm FN, ribbon clip       seed lateral to clip\n"
    "  Site 3  RIGHT 8:00, 6 cm FN, cylinder clip     seed at clip\n"
    "  Site 4  RIGHT 12:00, 3 cm FN, barbell clip     seed anterior to clip\n"
    "The four sites are separately biopsied lesions, 4 cm or more apart.\n"
    "Post bilateral CC/ML: four seeds, one at each clip."
)


def test_what_is_done_at_each_site_is_no_lesion_of_its_own(facts_of):
    facts = facts_of(FOUR_SITES)
    assert [(les.laterality, les.clock) for les in facts.lesions] == [
        ("left", 2.0),
        ("left", 10.0),
        ("right", 8.0),
        ("right", 0.0),
    ]
    record = locaudit.assess(FOUR_SITES)
    assert (record.verdict, record.units_19284) == ("supported", 3)


def test_the_procedures_own_count_governs_the_impressions(facts_of):
    facts = facts_of(
        "Procedure: Prone stereotactic table, left breast. Two lesions were localized in this "
        "session.\nLesion 1: left 12:00, 3 cm FN. Stereo pair; I-125 seed deployed at the clip.\n"
        "Lesion 2: left 4:00, 7 cm FN, separate. Stereo pair; I-125 seed deployed at the clip.\n"
        "Impression: Stereotactic I-125 seed localization of three left breast lesions."
    )
    assert facts.stated_count == 2


def test_a_hedged_same_segment_is_no_bracket_and_asks(facts_of):
    text = (
        "Left upper outer quadrant calcification, B5a on VAB (clip).\n"
        "Wire 1 to the dominant cluster at 1 o'clock, 6 cm FN, at the clip. Wire 2 to what "
        "appears to be a further group 15 mm medially, which may be part of the same segment. "
        "Both on the upright stereotactic unit with stereo pairs."
    )
    facts = facts_of(text)
    assert len(facts.lesions) == 2 and not any(les.bracketed for les in facts.lesions)
    assert facts.separateness_unclear
    assert locaudit.assess(text).verdict == "needs_review"


def test_one_seed_at_each_target_is_one_per_target(facts_of):
    facts = facts_of(
        "Prone stereotactic table. The right breast was compressed for the 11:00 target and "
        "then for the 8:00 target. For each, scout and stereo pair images were used. An "
        "18-gauge seed needle was advanced and one I-125 seed was deployed at each target."
    )
    assert sorted(les.clock for les in facts.lesions) == [8.0, 11.0]


def test_counts_of_other_things_are_no_lesion_counts(facts_of):
    facts = facts_of(
        "Time-out: patient ID x2, aspirin held x5 days. Left 2:00: stereo pair, hookwire placed."
    )
    assert facts.stated_count is None


@pytest.mark.parametrize(
    "hedge",
    [
        "these calcifications may represent extension of the 11:00 group",
        "the 12:00 calcifications are possibly contiguous with the 11:00 group",
    ],
)
def test_hedged_continuity_asks_about_separateness(facts_of, hedge):
    facts = facts_of(
        "Left 11:00 calcifications: stereo pair, Magseed deployed. Left 12:00 calcifications: "
        f"stereo pair, Magseed deployed. Note: {hedge}."
    )
    assert facts.separateness_unclear


def test_rather_than_a_second_operation_is_no_doubt(facts_of):
    facts = facts_of(
        "She chose lumpectomy rather than a second mastectomy. Left 2:00: seed placed."
    )
    assert not facts.separateness_unclear


def test_the_former_and_the_latter_point_back_to_the_findings_in_order(facts_of):
    facts = facts_of(
        "Stereotactic localization, left breast, two targets.\nHistory: distortion in the left "
        "lower inner quadrant and asymmetry in the left upper outer quadrant, separate findings."
        "\nProcedure: The distortion was targeted through an inferior approach and the asymmetry "
        "through a lateral approach, each on its own stereo pair. The former was localized with a "
        "7 cm hookwire and the latter with a Magseed."
    )
    assert sorted((les.finding, les.devices[0]) for les in facts.lesions) == [
        ("asymmetry", "magnetic_seed"),
        ("distortion", "wire"),
    ]


def test_a_stated_count_splits_placements_joined_by_what_they_share(facts_of):
    text = (
        "PROCEDURE: Stereotactic wire localization of two separate lesions in the right breast.\n"
        "The patient was placed prone on the stereotactic table, right breast in CC compression. "
        "A stereo pair was obtained and a hookwire was deployed at the coil clip. After a new "
        "stereo pair, a hookwire was deployed at the {second} clip."
    )
    assert len(facts_of(text.format(second="ribbon")).lesions) == 2
    # without the stated count the two placements stay joined
    unstated = text.replace("of two separate lesions ", "").format(second="ribbon")
    assert len(facts_of(unstated).lesions) == 1


def test_nearby_clock_faces_called_separate_at_two_named_clips_are_told_apart():
    text = (
        "PROCEDURE: Stereotactic wire localization, left breast, two lesions.\n"
        "The HydroMARK clip at 1 o'clock was targeted with stereo images and a Kopans wire was "
        "deployed. Next, the SecurMark clip at 1:30 was targeted with a separate stereo pair and "
        "a second Kopans wire was deployed.\nIMPRESSION: Stereotactic wire localization of two "
        "separate left breast lesions (1:00 IDC; 1:30 papilloma)."
    )
    record = locaudit.assess(text)
    assert (record.verdict, record.units_19284) == ("supported", 1)
    hedged = text.replace(
        "two separate left breast lesions", "what may represent two parts of one left breast lesion"
    )
    assert locaudit.assess(hedged).verdict == "needs_review"


def test_wires_that_may_bracket_one_area_or_mark_two_foci_ask(facts_of):
    text = (
        "Right breast 1 o'clock: two groups of calcifications about 1.5 cm apart. It is not "
        "clear whether the smaller group represents a second focus or part of the same process; "
        "the two wires may effectively bracket a single area or mark two foci.\nProne "
        "stereotactic table. Under stereo guidance a 9 cm wire was placed at the ribbon clip and "
        "a second 9 cm wire at the smaller group."
    )
    facts = facts_of(text)
    assert facts.separateness_unclear and not any(les.bracketed for les in facts.lesions)
    assert locaudit.assess(text).verdict == "needs_review"


def test_a_second_device_with_no_word_on_bracketing_is_a_second_lesion_to_ask_about(facts_of):
    text = (
        "Left breast 10:00, prone stereotactic table. A 9 cm wire was placed at the ribbon clip. "
        "After a new stereo pair, a second wire was placed in the calcifications 2 cm posterior."
    )
    facts = facts_of(text)
    assert len(facts.lesions) == 2
    assert locaudit.assess(text).verdict == "needs_review"
    # said to bracket: one lesion
    bracketed = text.replace("2 cm posterior.", "2 cm posterior, bracketing the calcifications.")
    assert len(facts_of(bracketed).lesions) == 1


def test_a_second_device_at_the_same_clock_face_asks_whether_it_is_separate(facts_of):
    text = (
        "Left breast, prone stereotactic table. A 9 cm wire was placed at the 10:00 ribbon clip. "
        "A second wire was then placed at 10:00, 2 cm posterior."
    )
    facts = facts_of(text)
    assert len(facts.lesions) == 2 and facts.separateness_unclear
    replaced = text.replace("A second wire", "The first wire was displaced; a second wire")
    assert len(facts_of(replaced).lesions) == 1


def test_an_impression_that_puts_one_lesion_in_the_other_breast_leaves_its_side_open(facts_of):
    facts = facts_of(
        "Lesion A: right 10:00, ribbon clip - Magseed at clip.\n"
        "Lesion B: right 11:00, coil clip - Magseed 2 mm from clip.\n"
        "Lesion C: left 2:00, wing clip - Magseed at clip.\n"
        "IMPRESSION: Stereotactic Magseed localization: right A (10:00), right B (11:00), "
        "right C (2:00)."
    )
    assert [les.laterality for les in facts.lesions] == ["right", "right", None]


def test_numbered_lesions_at_one_clock_face_told_apart_by_depth_only_ask(facts_of):
    text = (
        "Lesion 1: right 10:00, anterior depth, 3 cm FN, coil clip: stereo pair, hookwire "
        "placed.\nLesion 2: right 10:00, posterior depth, 6 cm FN: stereo pair, hookwire placed."
        "\nIMPRESSION: Stereotactic wire localization, right breast 10:00, x2."
    )
    assert locaudit.assess(text).verdict == "needs_review"
    called = text.replace("x2.", "two separate lesions.")
    assert locaudit.assess(called).verdict == "supported"
