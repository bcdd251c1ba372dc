"""Timed logs after an indication, lesions named per clause of one field, impressions that
carry the places a body left out, terse removals, references to listed lesions ('at (1)',
'same as lesion 1') and numbered devices listed under a placing heading. Each mechanism with
a near miss."""

from __future__ import annotations

import locaudit
from locaudit.nlp.extensions import CONCEPTS_KEY
from locaudit.nlp.sections import section_at

TIMED = (
    "PA PROCEDURE NOTE - 03/10/2026\n"
    "Procedure: Stereotactic Magseed localization, L breast, two lesions\n"
    "Indication: L 10:00 IDC (coil clip) and L 4:00 DCIS (ribbon clip), separate lesions.\n"
    "{first}\n"
    "09:55 L 10:00 - prone stereo, stereo pair, Magseed #1 deployed at coil clip.\n"
    "10:21 L 4:00 - stereo pair, Magseed #2 deployed at ribbon clip.\n"
    "Complications: none.\n"
)


def test_a_timed_log_line_ends_the_indication_paragraph(facts_of):
    text = TIMED.format(first="09:40 consent signed; 09:48 time-out.")
    assert sorted(les.clock for les in facts_of(text).lesions) == [4.0, 10.0]
    assert locaudit.assess(text).verdict == "supported"


def test_a_wrapped_indication_line_opening_with_a_clock_face_stays_history(nlp):
    text = TIMED.format(first="Both\n10:00 and 4:00 were biopsied on 02/01.")
    doc = nlp(text)
    # (a clock face at a line's start is no log time: the paragraph goes on as history)
    assert section_at(doc._.locaudit_sections, text.index("10:00 and")) == "history"


FIELD = (
    "Procedures\nStereotactic wire localization\n"
    "Laterality: Right\n"
    "Number of lesions: 2\n"
    "Location/target:\n"
    "  Lesion 1 - right breast 9:00, 5 cm FN; cylinder clip\n"
    "  Lesion 2 - right breast 12:00, 8 cm FN; coil clip (separate lesion)\n"
    "Guidance: Stereotactic (prone table), stereo pair for each lesion\n"
    "Anesthesia: Local, 1% lidocaine\n"
    "Device(s): {devices}\n"
    "Complications: None\n"
)


def test_each_clause_of_a_device_field_is_its_own_lesion_s(facts_of):
    text = FIELD.format(devices="Lesion 1 - 7 cm hookwire; Lesion 2 - 9 cm hookwire")
    assert sorted(les.clock for les in facts_of(text).lesions) == [0.0, 9.0]
    assert locaudit.assess(text).verdict == "supported"


IMPRESSION_FIRST = (
    "IMPRESSION:\n"
    "1. Stereotactic Magseed placement, RIGHT breast 10:00, at the cylinder clip.\n"
    "2. Stereotactic Magseed placement, LEFT breast 2:00, at the coil clip. Separate lesion.\n"
    "3. Both seeds placed in one sitting on the upright stereotactic unit.\n\n"
    "TECHNIQUE: Consent, time-out. {body}\n"
)


def test_an_impression_gives_the_places_a_placeless_body_left_out(facts_of):
    text = IMPRESSION_FIRST.format(
        body="Right breast first: stereo pair, seed deployed. Left breast second, same technique."
    )
    lesions = facts_of(text).lesions
    assert sorted((les.laterality, les.clock) for les in lesions) == [
        ("left", 2.0),
        ("right", 10.0),
    ]
    assert locaudit.assess(text).verdict == "supported"


def test_an_impression_restating_the_body_s_two_sides_adds_no_lesion(facts_of):
    text = (
        "LEFT: Prone table, stereo pair over the ribbon clip, wire deployed through the clip.\n"
        "RIGHT: Patient repositioned, stereo pair over the coil clip, wire deployed.\n"
        "IMPRESSION: Stereotactic wire localization of the left 2:00 and right 10:00 lesions.\n"
    )
    assert len(facts_of(text).lesions) == 2


TERSE_REMOVAL = (
    "Exam: L BREAST STEREO NEEDLE LOC x2\n"
    "Hx: L 12:00 IDC (coil clip); L 9:00 ADH (ribbon clip), 5 cm apart.\n"
    "Prone table, stereo pairs.\n"
    "(1) 12:00: 9 cm Kopans, tip at coil clip.\n"
    "(2) 9:00: 7 cm Kopans deployed at ribbon clip, hook pulled back on release. {then}\n"
    "Post CC/ML: no comp.\n"
)


def test_a_terse_wire_withdrawn_and_not_replaced_leaves_one_lesion(facts_of):
    text = TERSE_REMOVAL.format(then="Wire withdrawn. Not replaced - excision by the clip.")
    assert [les.clock for les in facts_of(text).lesions] == [0.0]
    assert locaudit.assess(text).verdict == "not_supported"


def test_a_terse_wire_withdrawn_then_placed_again_keeps_both_lesions(facts_of):
    text = TERSE_REMOVAL.format(then="Wire withdrawn. Second 7 cm Kopans deployed at the clip.")
    assert sorted(les.clock for les in facts_of(text).lesions) == [0.0, 9.0]


REFERRED = (
    "Exam: R BREAST STEREO NEEDLE LOC\n"
    "Hx: (1) R 10:00 IDC, coil clip. (2) R 7:00 ADH, ribbon clip. Both for excision today.\n"
    "Prone table, stereo pair. 9 cm Kopans at (1), tip past coil clip. Post films ok.\n"
    "{second}\n"
)


def test_no_needle_for_a_listed_lesion_denies_that_lesion_only():
    text = REFERRED.format(second="Before (2), pt declined further placement. No needle for (2).")
    assert locaudit.assess(text).verdict == "not_supported"


def test_a_needle_placed_for_the_second_listed_lesion_is_a_second_lesion(facts_of):
    text = REFERRED.format(second="9 cm Kopans at (2), tip at ribbon clip.")
    assert sorted(les.clock for les in facts_of(text).lesions) == [7.0, 10.0]


def test_a_depth_third_is_no_lesion_ordinal(nlp):
    doc = nlp("Bx-proven: (1) L 12:00 post 3rd, calcs, DCIS, ribbon clip.")
    assert not [m for m in doc.spans[CONCEPTS_KEY] if m.label_ == "LESION"]


SAME_AS = (
    "Procedure: Stereotactic localization, 2 lesions, single session\n\n"
    "Lesion 1\n  Side: Left\n  Location: 2:00, 4 cm FN\n  Guidance: Stereotactic, prone table\n"
    "  Device: Wire (Kopans 9 cm)\n\n"
    "Lesion 2\n  Side: Left\n  Location: 5:00, 9 cm FN; separate biopsy site\n"
    "  Guidance: same as lesion 1\n  Device: {device}\n"
)


def test_a_field_same_as_lesion_1_is_still_lesion_2_s(facts_of):
    text = SAME_AS.format(device="same as lesion 1 (Kopans 9 cm wire)")
    assert sorted(les.clock for les in facts_of(text).lesions) == [2.0, 5.0]
    assert locaudit.assess(text).verdict == "supported"


NUMBERED_LIST = (
    "LEFT BREAST - RADIOACTIVE SEED LOCALIZATION UNDER STEREOTACTIC GUIDANCE, 2 SITES\n"
    "Procedure: The patient was seated at the upright unit with the stereotactic add-on. "
    "Using stereo pairs, one I-125 seed was {act} at each site:\n"
    "  Seed 1 - upper outer quadrant, target barbell clip, activity 0.21 mCi\n"
    "  Seed 2 - lower outer quadrant, target wing clip, activity 0.20 mCi\n"
)


def test_numbered_seeds_listed_under_a_placing_heading_are_each_a_lesion(facts_of):
    text = NUMBERED_LIST.format(act="deployed")
    assert sorted(les.quadrant for les in facts_of(text).lesions) == ["loq", "uoq"]
    assert locaudit.assess(text).verdict == "supported"


def test_numbered_seeds_listed_under_a_plan_place_nothing(facts_of):
    text = NUMBERED_LIST.format(act="to be deployed tomorrow")
    assert facts_of(text).lesions == []


POST_LOC = (
    "MG DIAGNOSTIC MAMMO UNILAT RIGHT (POST-LOCALIZATION)\n"
    "Acc: MG26-108512   DOS: 03/16/2026\n\n"
    "Post-procedure CC and ML views of the right breast after stereotactic wire localization "
    "of two sites{ref}, obtained after the patient was moved off the prone table.\n\n"
    "Findings: Wire A tip 2 mm beyond the coil clip at 10:00. Wire B at the ribbon clip at "
    "7:00.\n"
    "Impression: Satisfactory positions of two right breast localization wires.\n"
)


def test_a_post_localization_mammogram_pointing_to_the_procedure_report_places_nothing():
    text = POST_LOC.format(ref=" (see separate procedure report MG26-108509)")
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_history_pointing_to_another_report_leaves_today_s_placement(facts_of):
    text = (
        "Exam: STEREOTACTIC WIRE LOCALISATION, LEFT BREAST\n"
        "Indication: left 2 o'clock calcification. A Magseed was placed in the left 10 o'clock "
        "IDC at the previous visit on 14/02/2025 (separate report).\n\n"
        "Upright stereotactic unit, scout and stereo pair. 20G wire to the calcification.\n"
        "Conclusion: stereotactic wire localisation of left 2 o'clock calcification.\n"
    )
    assert locaudit.assess(text).verdict == "not_supported"


CONTRA = (
    "Bilateral needle localization under stereotactic guidance\n"
    "{history}\n"
    "After consent she was placed prone. Stereo pair, 7 cm wire to the ribbon clip at 12:00. "
    "Then the contralateral breast: stereo pair on the 4:00 coil clip, 7 cm wire placed.\n"
    "IMPRESSION: Bilateral stereotactic wire localization, 12:00 and contralateral 4:00.\n"
)


def test_the_contralateral_breast_is_the_other_side_than_the_one_said_before(facts_of):
    text = CONTRA.format(history="History: right breast DCIS at 12:00 and atypia at 4:00.")
    lesions = facts_of(text).lesions
    assert [(les.laterality, les.clock) for les in lesions] == [("right", 0.0), ("left", 4.0)]
    assert locaudit.assess(text).verdict == "supported"


def test_contralateral_with_no_side_said_before_gives_no_side(facts_of):
    text = CONTRA.format(history="History: DCIS at 12:00 and atypia at 4:00.")
    assert all(les.laterality is None for les in facts_of(text).lesions)


STATED_MORE = (
    "Procedure: Stereotactic wire localization of {count} sites, left breast\n"
    "Prone table. Left 1:00 ribbon clip: stereo pair, 9 cm wire placed at the clip. "
    "Left 5:00 coil clip, a separate site: stereo pair, second 9 cm wire placed.\n"
    "IMPRESSION: Stereotactic wire localization of {count} separate left breast sites.\n"
)


def test_two_complete_lesions_support_the_add_on_whatever_count_the_note_states(facts_of):
    text = STATED_MORE.format(count="three")
    assert len(facts_of(text).lesions) == 2
    record = locaudit.assess(text)
    assert record.verdict == "supported"
    assert record.units_19284 >= 1


def test_one_lesion_found_where_the_note_states_two_is_left_for_review(facts_of):
    text = (
        "Procedure: Stereotactic wire localization of two sites, left breast\n"
        "Prone table. Left 1:00 ribbon clip: stereo pair, 9 cm wire placed at the clip.\n"
        "IMPRESSION: Stereotactic wire localization, left breast, two sites.\n"
    )
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert "LESION_COUNT_UNSUPPORTED" in {f.code for f in record.findings}


PER_LESION = (
    "PROCEDURE: SCOUT reflector placement, stereotactic guidance.\n"
    "LESIONS: left 2:00 mass, ribbon marker; left 7:00 calcifications, coil marker; right 11:00 "
    "distortion, barbell marker.\n"
    "TECHNIQUE: Prone stereotactic unit. Each lesion targeted on its own stereo pair; {act}.\n"
)


def test_one_reflector_deployed_per_lesion_is_one_lesion_each(facts_of):
    assert (
        len(facts_of(PER_LESION.format(act="one SCOUT reflector deployed per lesion")).lesions) == 3
    )


def test_one_reflector_deployed_with_no_per_lesion_is_one_device(facts_of):
    assert len(facts_of(PER_LESION.format(act="one SCOUT reflector deployed")).lesions) == 1
