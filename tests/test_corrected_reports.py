"""Reports corrected after the fact: a device taken out, a device dated to another day by a
later sentence, an addendum that voids an earlier addendum, an amendment that brackets two
devices and keeps a third lesion, and numbered devices listed after a colon. Each mechanism
with a near miss."""

from __future__ import annotations

import locaudit

REMOVED = (
    "Procedure: STEREOTACTIC NEEDLE LOCALIZATION, LEFT, 2 LESIONS\n"
    "Guidance: stereotactic. Device: wire.\n"
    "Lesion 1: Left 2:00, 5 cm FN, wing clip (IDC). Wire tip 2 mm beyond clip.\n"
    "Lesion 2: Left 5:00, 9 cm FN, coil clip (ADH). Wire placed.\n\n"
    "ADDENDUM 09/25/2025 08:30\n"
    "Post-placement CC/ML: lesion 1 wire satisfactory. The lesion 2 wire had retracted and "
    "its hook lies 3.5 cm superficial to the coil clip; it was removed on the table. The "
    "patient declined a further attempt.\n"
)


def test_a_wire_removed_in_the_sitting_leaves_its_lesion_without_a_device(facts_of):
    assert [les.clock for les in facts_of(REMOVED).lesions] == [2.0]
    record = locaudit.assess(REMOVED)
    assert record.verdict == "not_supported"
    assert "PLACEMENT_NEGATED" in {f.code for f in record.findings}


def test_the_introducer_removed_takes_out_no_device(facts_of):
    text = REMOVED.replace(
        "The lesion 2 wire had retracted and its hook lies 3.5 cm superficial to the coil "
        "clip; it was removed on the table. The patient declined a further attempt.",
        "Lesion 2 wire at the coil clip; the introducer needle was removed over the wire.",
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [2.0, 5.0]


def test_a_wire_removed_and_replaced_still_marks_its_lesion(facts_of):
    text = REMOVED.replace(
        "The patient declined a further attempt.", "A replacement wire was placed at the clip."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [2.0, 5.0]


DATED_BACK = (
    "Exam: Stereotactic wire localization, bilateral\n"
    "Date of exam: 07/22/2025\n\n"
    "Left breast 4:00 (coil clip, IDC): prone stereotactic table, stereo pair, 9 cm wire, tip "
    "3 mm beyond the clip.\n"
    "Right breast 10:00 (ribbon clip, DCIS): 7 cm wire under stereotactic guidance, tip at the "
    "clip. {later}\n"
)


def test_a_later_sentence_dating_the_wire_to_another_day_removes_its_lesion(facts_of):
    text = DATED_BACK.format(
        later="This wire was placed on 07/21/2025 by Dr. Rosenthal, not today as dictated."
    )
    assert [les.clock for les in facts_of(text).lesions] == [4.0]
    record = locaudit.assess(text)
    assert record.verdict == "not_supported" and record.same_session is False


def test_a_sentence_dating_its_own_wires_leaves_the_lesion_before_it(facts_of):
    text = DATED_BACK.format(later="The tracks of yesterday's wires are not visible.")
    assert sorted(les.clock for les in facts_of(text).lesions) == [4.0, 10.0]


VOIDED_ADDENDUM = (
    "Report: STEREOTACTIC WIRE LOCALIZATION, LEFT BREAST, 2 LESIONS\n"
    "Prone stereotactic table. Lesion 1 at left 3:00 (ribbon clip): stereo pair, 9 cm wire "
    "placed. Lesion 2 at left 6:00 (H clip): new stereo pair, second 9 cm wire placed.\n"
    "IMPRESSION: Stereotactic wire localization of two separate left breast lesions.\n\n"
    "ADDENDUM #1 (14:11): Lesion 2 localized under ultrasound guidance with a SCOUT "
    "reflector.\n\n"
    "ADDENDUM #2 (16:45): {second}\n"
)


def test_an_addendum_that_voids_an_earlier_addendum_voids_what_it_said(facts_of):
    text = VOIDED_ADDENDUM.format(
        second="Please disregard Addendum #1. It was entered on this accession in error."
    )
    lesions = facts_of(text).lesions
    assert [les.guidance for les in lesions] == ["stereotactic", "stereotactic"]
    assert locaudit.assess(text).verdict == "supported"


def test_a_later_addendum_that_voids_nothing_leaves_the_first_standing(facts_of):
    text = VOIDED_ADDENDUM.format(second="Images reviewed with Dr. Keane before surgery.")
    assert "ultrasound" in [les.guidance for les in facts_of(text).lesions]


THREE_WIRES = (
    "Procedure: Prone stereotactic table. Three wires were placed under stereotactic "
    "guidance: wire 1 at the anterior clip of the calcifications (10:00, anterior), wire 2 at "
    "the posterior clip of the calcifications (10:00, posterior), wire 3 at the ribbon clip at "
    "6:00. Post-procedure mammogram shows all three wires at the targets.\n"
    "Impression: Stereotactic wire localization x3, right breast.\n\n"
    "ATTENDING ADDENDUM: For clarity: wires 1 and 2 bracket ONE lesion, the 10:00 "
    "calcification segment; wire 3 localizes the second, separate lesion, the 6:00 mass. Two "
    "lesions were localized, not three.\n"
)


def test_an_amended_bracket_keeps_the_separate_lesion_after_it(facts_of):
    assert sorted(les.clock for les in facts_of(THREE_WIRES).lesions) == [6.0, 10.0]
    record = locaudit.assess(THREE_WIRES)
    assert (record.verdict, record.units_19284) == ("supported", 1)


def test_an_amendment_that_all_wires_mark_one_lesion_still_makes_one(facts_of):
    text = (
        "Stereotactic wire localization, right breast: two wires placed at the 10:00 "
        "calcifications, stereo pair for each.\n\n"
        "ADDENDUM: Both wires bracket ONE lesion, the 10:00 segment."
    )
    assert len(facts_of(text).lesions) == 1
    assert locaudit.assess(text).verdict == "not_supported"


def test_numbered_devices_after_a_colon_are_the_devices_placed(facts_of):
    facts = facts_of(
        "Procedure: Prone stereotactic table, left breast. Two seeds were placed under "
        "stereotactic guidance: seed 1 at the coil clip at 2:00, seed 2 at the ribbon clip at "
        "7:00."
    )
    assert sorted(les.clock for les in facts.lesions) == [2.0, 7.0]


def test_an_addendum_adds_a_further_seed_placed_at_the_site_it_names(facts_of):
    text = (
        "Procedure: stereotactic I-125 seed localization, right breast. Prone table. The "
        "ribbon clip at 9:00 was targeted with a stereo pair and a seed deposited. The breast "
        "was repositioned and the top-hat clip at 11:00 targeted; a second seed deposited.\n"
        "Impression: Stereotactic I-125 seed localization of two right breast lesions.\n\n"
        "Addendum 10:31: While the patient was still on the table, the surgeon asked for "
        "localization of the 6:00 posterior calcifications (coil clip) as well. The breast was "
        "re-compressed, a stereo pair obtained, and a third I-125 seed deposited 3 mm from the "
        "coil clip. In total, three separate right breast lesions were localized in one "
        "sitting.\n"
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [6.0, 9.0, 11.0]
    assert locaudit.assess(text).units_19284 == 2


def test_a_wire_withdrawn_after_a_failed_seat_leaves_that_site_without_one(facts_of):
    text = (
        "Exam: STEREOTACTIC WIRE LOCALIZATION LEFT BREAST (2 planned)\n\n"
        "Lesion 1, left 12:00 posterior, wing clip: stereo pair, 9 cm wire, tip beyond clip.\n"
        "Lesion 2, left 9:00 far posterior, coil clip: stereo pair, wire placed.\n\n"
        "ADDENDUM: The 9:00 wire could not be seated: on the post-fire views it lay 2.5 cm "
        "anterior to the coil clip. The wire was withdrawn. A second attempt was not possible.\n"
    )
    assert [les.clock for les in facts_of(text).lesions] == [0.0]
    assert locaudit.assess(text).verdict == "not_supported"


def test_a_wire_withdrawn_and_reinserted_still_marks_its_lesion(facts_of):
    text = (
        "Stereotactic needle localization, left breast 1 o'clock, wing clip. Stereo pair, "
        "hookwire deployed.\n"
        "Impression: Stereotactic wire localization of the left breast 1 o'clock DCIS. The "
        "wire was withdrawn and re-inserted once before final deployment."
    )
    assert [les.clock for les in facts_of(text).lesions] == [1.0]


PREPOPULATED = (
    "Procedure: BREAST LOCALIZATION DEVICE, 2 LESIONS (STEREOTACTIC)\n"
    "Guidance: [X] Stereotactic   Laterality: Right   Device: Magseed\n"
    "Lesion 1: Right 10:00. Magseed deployed ___ mm from clip.\n"
    "Lesion 2: Right 2:00. Magseed deployed ___ mm from clip.\n\n"
    "AMENDMENT 09:15: This report was pre-populated from the order. {amendment}\n"
)


def test_an_amendment_that_the_localization_was_cancelled_withdraws_the_report():
    text = PREPOPULATED.format(
        amendment="The procedure was NOT performed: the localization was cancelled before she "
        "entered the room. No device was placed."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_an_amendment_that_fills_the_blanks_leaves_the_report_standing():
    text = PREPOPULATED.format(amendment="Both Magseeds were placed within 2 mm of their clips.")
    assert locaudit.assess(text).verdict == "supported"


GUIDANCE_CORRECTED = (
    "Procedure: Stereotactic SCOUT localization, left breast x2\n\n"
    "Left 12:00 (wing clip, IDC) and left 3:00 (coil clip, separately biopsied DCIS), each "
    "localized with a SAVI SCOUT reflector on the upright unit; reflectors within 3 mm of "
    "their clips on post CC/ML.\n\n"
    "Addendum: Correction to guidance. {said}\n"
)


def test_an_addendum_correcting_every_placements_guidance_to_tomosynthesis(facts_of):
    text = GUIDANCE_CORRECTED.format(
        said="No stereotactic pair was acquired for either placement; both were targeted on "
        "the tomosynthesis stack."
    )
    assert all(les.guidance is None and les.tomosynthesis_only for les in facts_of(text).lesions)
    assert locaudit.assess(text).verdict == "needs_review"


def test_an_addendum_naming_two_modalities_corrects_no_guidance(facts_of):
    text = GUIDANCE_CORRECTED.format(
        said="Each target was found on the tomosynthesis scout and then a stereotactic pair "
        "was acquired."
    )
    assert all(les.guidance == "stereotactic" for les in facts_of(text).lesions)


VERSIONS = (
    "*** PRELIMINARY REPORT *** dictated 07/08/2025 10:02 - not signed\n"
    "Stereotactic wire localization, left breast, two sites. Wire 1 at left 2:00. Wire 2 at "
    "right 5:00.\n\n"
    "*** FINAL REPORT *** signed 07/08/2025 13:40\n"
    "STEREOTACTIC WIRE LOCALIZATION, LEFT BREAST, TWO SITES\n"
    "Prone stereotactic table. Two separate lesions.\n"
    "Wire 1: LEFT 2:00, at the X-shaped clip. Hookwire deployed under stereotactic targeting.\n"
    "Wire 2: LEFT 5:00, at the coil clip. Separate stereo pair; second hookwire deployed.\n"
    "{note}\n"
    "IMPRESSION: Stereotactic wire localization of two separate left breast lesions.\n"
)


def test_a_starred_preliminary_version_is_superseded_and_its_error_is_no_fact(facts_of):
    text = VERSIONS.format(
        note='The preliminary report erroneously stated "right" for wire 2; both wires are in '
        "the left breast."
    )
    lesions = facts_of(text).lesions
    assert [(les.laterality, les.clock) for les in lesions] == [("left", 2.0), ("left", 5.0)]
    assert locaudit.assess(text).verdict == "supported"


def test_a_final_version_that_itself_says_right_for_wire_2_conflicts(facts_of):
    text = VERSIONS.format(note="Wire 2 is in the right breast.")
    assert locaudit.assess(text).verdict != "supported"


def test_a_title_saying_the_procedure_was_not_performed_places_nothing():
    text = (
        "BREAST IMAGING - PROCEDURE NOT PERFORMED\n"
        "The patient presented today for two-site stereotactic Magseed localization of the left "
        "breast. The surgeon's office confirms the lumpectomy is on 5 August, and asked "
        "that localization be done within two weeks of surgery. Rescheduled for 07/29/2025.\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_one_breast_not_performed_after_the_other_s_placements_keeps_them():
    text = (
        "Stereotactic I-125 seed localization, right breast x2\n"
        "Right 2:00 (IDC, coil clip): stereo pair, seed placed.\n"
        "Right 11:00 (DCIS, ribbon clip), separate lesion: stereo pair, seed placed.\n"
        "Left breast localization not performed today; scheduled 06/11.\n"
    )
    assert locaudit.assess(text).verdict == "supported"


def test_a_note_field_saying_the_ordered_procedure_was_not_performed_places_nothing():
    text = (
        "EXAM (ORDER): STEREOTACTIC MAGSEED LOCALIZATION RIGHT BREAST X2 (10:00 and 2:00)\n\n"
        "NOTE: Procedure NOT PERFORMED. The patient declined the procedure and wishes a second "
        "surgical opinion first.\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"
