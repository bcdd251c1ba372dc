"""Lesion blocks whose fields look like headings or are left as pick lists, a technologist's
addendum after the signed report, breaks in the sitting, intentions, the other lesion named
in passing and an attending's side correction. Each mechanism with a near miss."""

from __future__ import annotations

import locaudit

BLOCKS = (
    "EXAM: STEREOTACTIC RADIOACTIVE SEED LOCALIZATION, BREAST\n"
    "TECHNIQUE: Consent. Prone stereotactic table. Stereo pair for each target.\n\n"
    "LESION 1\n"
    "  Side: Left\n"
    "  Location: 1:00, 4 cm FN\n"
    "  Device: I-125 seed x1\n"
    "  Post-placement: At clip\n\n"
    "LESION 2\n"
    "  Side: {side}\n"
    "  Location: 5:00, 9 cm FN. Separate from Lesion 1.\n"
    "  Device: I-125 seed x1\n"
    "  Post-placement: 2 mm from clip\n\n"
    "IMPRESSION: Stereotactic I-125 seed localization of two separate lesions.\n"
    "R. Amsel, MD\n\n"
    "TECHNOLOGIST ADDENDUM - K. Mims, RT(R)(M): both seeds placed in the left breast; seed "
    "lot 4410-B; custody form signed by the OR nurse.\n"
)


def test_an_indented_post_placement_field_is_its_block_s_not_a_findings_section(facts_of):
    lesions = facts_of(BLOCKS.format(side="Left")).lesions
    assert [(les.laterality, les.clock) for les in lesions] == [("left", 1.0), ("left", 5.0)]
    assert locaudit.assess(BLOCKS.format(side="Left")).verdict == "supported"


def test_a_side_pick_list_left_unresolved_is_no_side_and_the_tech_addendum_gives_none(facts_of):
    text = BLOCKS.format(side="{Right/Left:31877}")
    lesions = facts_of(text).lesions
    assert [(les.laterality, les.clock) for les in lesions] == [("left", 1.0), (None, 5.0)]
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert "MISSING_LATERALITY" in {f.code for f in record.findings}


FINDINGS_NARRATE = (
    "EXAM: STEREOTACTIC SCOUT LOCALIZATION, LEFT BREAST\n"
    "TECHNIQUE: Consent. Prone stereotactic table, stereo pair for each placement.\n"
    "FINDINGS: Two SCOUT reflectors placed at left 2:00: the first at the anterior "
    "calcifications 4 cm from the nipple, the second at the posterior calcifications 7 cm "
    "from the nipple.{said}\n"
    "IMPRESSION: Stereotactic SCOUT localization, left 2:00, two reflectors.\n"
)


def test_two_reflectors_placed_in_one_area_under_findings_are_two_lesions_for_review(facts_of):
    text = FINDINGS_NARRATE.format(said="")
    assert len(facts_of(text).lesions) == 2
    assert locaudit.assess(text).verdict == "needs_review"


def test_two_reflectors_said_to_bracket_under_findings_are_one_lesion(facts_of):
    text = FINDINGS_NARRATE.format(said=" The two reflectors bracket the calcifications.")
    assert len(facts_of(text).lesions) == 1
    assert locaudit.assess(text).verdict == "not_supported"


BREAK = (
    "Procedure: Stereotactic Magseed localization, right breast, two lesions\n"
    "Two separate right breast sites, 9:00 and 12:00. Prone on the stereotactic table, stereo "
    "pair on the 9:00 clip, Magseed deployed. {between} A new stereo pair was obtained for the "
    "12:00 clip and a second Magseed was deployed.\n"
    "IMPRESSION: Stereotactic Magseed localization of two separate right breast lesions.\n"
)


def test_a_patient_helped_out_of_the_room_to_use_the_restroom_breaks_the_sitting():
    text = BREAK.format(
        between="She asked to use the restroom and was helped off the table and out of the "
        "procedure room."
    )
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert record.same_session is None


def test_a_patient_repositioned_on_the_table_keeps_the_sitting():
    text = BREAK.format(between="She was repositioned on the table.")
    record = locaudit.assess(text)
    assert record.verdict == "supported"
    assert record.same_session is True


INTENDED = (
    "Left breast radar reflector localization x2\n"
    "Sites: left 3:00 IDC and left 12:00 DCIS, separate sites.\n"
    "An ultrasound survey was performed first {how} the 3:00 reflector sonographically; the "
    "mass is no longer visible.\n"
    "The patient was positioned on the stereotactic prone table. Stereo pair for the 3:00 "
    "clip, SCOUT reflector deployed. New stereo pair for the 12:00 clip, second SCOUT "
    "reflector deployed.\n"
    "IMPRESSION: Stereotactic SCOUT localization of two separate left breast sites.\n"
)


def test_what_was_meant_to_be_placed_under_ultrasound_is_no_ultrasound_placement(facts_of):
    text = INTENDED.format(how="with the intention of placing")
    assert [les.guidance for les in facts_of(text).lesions] == ["stereotactic", "stereotactic"]
    assert locaudit.assess(text).verdict == "supported"


PLANNING = (
    "Harrowgate Breast Center - Radiologist Procedure Planning Note\n"
    "Reviewed prior imaging for the requested localization of two right breast sites:\n"
    "- Right 10:00, ribbon clip: prone table, stereo pair, Magseed.\n"
    "- Right 6:00, coil clip: upright stereotactic add-on, Magseed.\n"
    "Schedule both in one slot on 12/05.\n"
)


def test_a_planning_note_titled_with_its_practice_name_places_nothing():
    assert locaudit.assess(PLANNING).verdict == "not_applicable"


def test_a_procedure_note_titled_with_its_practice_name_places():
    text = PLANNING.replace("Radiologist Procedure Planning Note", "Radiologist Procedure Note")
    text = text.replace("Schedule both in one slot on 12/05.", "Both seeds deployed today.")
    assert locaudit.assess(text).verdict != "not_applicable"


THREE = (
    "PROCEDURE: BILATERAL STEREOTACTIC I-125 SEED LOCALIZATION (3 SITES)\n"
    "Prone stereotactic table; same session.\n"
    "- Right 11:00: stereo pair on the coil clip; I-125 seed deployed.\n"
    "- Left 3:00: stereo pair on the ribbon clip; I-125 seed deployed.\n"
    "- Left 6:00: stereo pair on the venus clip, {relation}; I-125 seed deployed.\n"
)


def test_the_other_site_named_in_passing_is_not_this_lesion_s_place(facts_of):
    text = THREE.format(relation="separate from the 3:00 site by 5 cm")
    assert sorted(les.clock for les in facts_of(text).lesions) == [3.0, 6.0, 11.0]
    assert locaudit.assess(text).units_19284 == 2


CORRECTED_SIDE = (
    "STEREOTACTIC SAVI SCOUT LOCALIZATION x2\n"
    "Procedure: Prone stereo table, both sites this sitting.\n"
    "Lesion 1: right 10:00, stereo pair, SCOUT reflector at coil clip.\n"
    "Lesion 2: left 7:00, stereo pair, SCOUT reflector at ribbon clip. Separate site.\n"
    "Impression: Stereotactic SCOUT localization, right 10:00 and left 7:00.\n\n"
    "ATTENDING ATTESTATION/CORRECTION: I was present for both placements. {correction}\n"
)


def test_an_attending_moving_a_lesion_to_the_other_breast_keeps_the_lesion(facts_of):
    text = CORRECTED_SIDE.format(
        correction="Correction: lesion 2 is in the RIGHT breast at 7:00 (not left, as "
        "dictated); the left breast was not imaged or localized."
    )
    lesions = facts_of(text).lesions
    assert [(les.laterality, les.clock) for les in lesions] == [("right", 10.0), ("right", 7.0)]
    assert locaudit.assess(text).verdict == "supported"


def test_an_attending_saying_the_7_00_site_was_not_localized_removes_it(facts_of):
    text = CORRECTED_SIDE.format(
        correction="Correction: the left 7:00 site was not localized today."
    )
    assert [les.clock for les in facts_of(text).lesions] == [10.0]
