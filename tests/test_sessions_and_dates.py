"""Sittings told by times, dates and accessions: a placement stamped after the procedure's
time range, a seed log whose rows fall on two days, an earlier encounter pasted below the
report, two reports under their own accessions, a technologist's log dated the next day and an
addendum that dates one lesion to the prior visit. Each mechanism with a near miss."""

from __future__ import annotations

import locaudit

RANGE = (
    "EXAM: STEREOTACTIC RFID TAG LOCALIZATION, RIGHT BREAST\n"
    "Exam date: 09/16/2025     Procedure time: 10:05 - 10:41\n"
    "Tag 1: right 12:00, ribbon clip. Stereo pair on the prone table; LOCalizer tag deployed "
    "10:22.\n"
    "Tag 2: right 3:00, X clip, separate lesion. Stereo pair; LOCalizer tag deployed {time}.\n"
    "IMPRESSION: Two right breast lesions localized with RFID tags under stereotactic guidance.\n"
)


def test_a_tag_deployed_after_the_procedure_time_range_leaves_the_sitting_open():
    record = locaudit.assess(RANGE.format(time="11:47"))
    assert record.verdict == "needs_review"
    assert record.same_session is None


def test_a_tag_deployed_within_the_procedure_time_range_keeps_the_sitting():
    record = locaudit.assess(RANGE.format(time="10:36"))
    assert record.verdict == "supported"


SEED_LOG = (
    "Procedure date: 07/08/2025\n"
    "STEREOTACTIC RADIOACTIVE SEED LOCALIZATION, LEFT BREAST\n"
    "Two sites (12:00 with ribbon clip; 4:00 with coil clip, 5 cm apart). Prone stereotactic "
    "table, stereo pair for each target. One I-125 seed deployed at each clip.\n\n"
    "SEED LOG\n"
    "Seed | Lot     | Deployed          | Site\n"
    "1    | IS-2291 | 07/08/2025 09:14  | L 12:00\n"
    "2    | IS-2291 | {day} 09:37  | L 4:00\n\n"
    "IMPRESSION: Stereotactic I-125 seed localization of two left breast lesions.\n"
)


def test_a_seed_log_whose_rows_fall_on_two_days_leaves_the_sitting_open():
    record = locaudit.assess(SEED_LOG.format(day="08/07/2025"))
    assert record.verdict == "needs_review"
    assert record.same_session is None


def test_a_seed_log_on_one_day_keeps_the_sitting():
    assert locaudit.assess(SEED_LOG.format(day="07/08/2025")).verdict == "supported"


PASTED = (
    "Result: MAMMO STEREO LOC SCOUT LEFT      Acc: 25-STL-88120      Exam: 04/15/2025 13:05\n"
    "Stereotactic SCOUT reflector localization, left breast. Target: left 4:00, coil clip. "
    "Prone table, stereo pair; SCOUT reflector deployed at the clip.\n"
    "IMPRESSION: Left 4:00 lesion localized with SCOUT reflector.\n\n"
    "{heading}     Acc: 25-STL-88045     Exam: 04/14/2025 09:40\n"
    "Stereotactic SCOUT reflector localization, right breast. Target: right 11:00, ribbon "
    "clip. Prone table, stereo pair; SCOUT reflector deployed.\n"
    "IMPRESSION: Right 11:00 lesion localized with SCOUT reflector.\n"
)


def test_an_earlier_encounter_pasted_below_the_report_places_nothing_today(facts_of):
    text = PASTED.format(heading="Prior result (same order group)")
    assert [les.clock for les in facts_of(text).lesions] == [4.0]
    assert locaudit.assess(text).verdict == "not_supported"


ACCESSIONS = (
    "ACC 551902   DOS 02/06/2025   STEREO LOC LEFT #1\n"
    "Left 3:00, ribbon clip. Prone stereotactic table, stereo pair. LOCalizer RFID tag "
    "deployed at the clip. No complications.\n\n"
    "ACC 551917   DOS 02/06/2025   STEREO LOC LEFT #2\n"
    "Left 11:00, coil clip, separate focus. Prone stereotactic table, stereo pair. LOCalizer "
    "RFID tag deployed at the clip. No complications.{tie}\n"
)


def test_two_reports_under_their_own_accessions_leave_the_sitting_open():
    record = locaudit.assess(ACCESSIONS.format(tie=""))
    assert record.verdict == "needs_review"
    assert record.same_session is None


def test_two_accessions_said_to_be_one_sitting_are_one_session():
    record = locaudit.assess(ACCESSIONS.format(tie=" Both tags placed in the same session."))
    assert record.verdict == "supported"


TECH_LOG = (
    "RADIOLOGY REPORT      Exam date: 04/22/2025\n"
    "STEREOTACTIC MAGSEED LOCALIZATION, LEFT BREAST, TWO LESIONS\n"
    "Seed 1: left 2:00, ribbon clip, stereo pair, deployed at the clip.\n"
    "Seed 2: left 10:00, coil clip, separate focus, stereo pair, deployed at the clip.\n"
    "IMPRESSION: Left breast Magseed localization of two lesions.\n\n"
    "TECHNOLOGIST LOG\n"
    "04/22/2025 14:18  Magseed #1 deployed (Dr)\n"
    "{day} 08:10  Magseed #2 deployed (Dr)\n"
)


def test_a_technologist_log_dating_the_second_seed_the_next_day_leaves_the_sitting_open():
    record = locaudit.assess(TECH_LOG.format(day="04/23/2025"))
    assert record.verdict == "needs_review"


def test_a_technologist_log_on_the_exam_day_keeps_the_sitting():
    text = TECH_LOG.format(day="04/22/2025").replace("08:10", "14:31")
    assert locaudit.assess(text).verdict == "supported"


DATED_BY_ADDENDUM = (
    "REPORT DATE: 06/03/2025\n"
    "STEREO RSL, LEFT BREAST x2\n"
    "Seed 1: left 12:00, ribbon clip. I-125 seed deployed under stereotactic guidance.\n"
    "Seed 2: left 9:00, coil clip. I-125 seed deployed under stereotactic guidance.\n"
    "IMPRESSION: Two I-125 seeds, left breast, at the 12:00 and 9:00 clips.\n\n"
    "ADDENDUM 06/05/2025: Correction - the seed at left 9:00 was placed {when}, not today as "
    "dictated above.\n"
)


def test_an_addendum_dating_one_lesion_to_the_prior_visit_removes_it(facts_of):
    text = DATED_BY_ADDENDUM.format(when="on 06/02/2025 during the prior visit")
    assert [les.clock for les in facts_of(text).lesions] == [0.0]
    record = locaudit.assess(text)
    assert record.verdict == "not_supported"
    assert record.same_session is False


HEDGED = (
    "Procedure: Stereotactic needle localization, left breast\n"
    "Procedure: Prone stereotactic table. Two wires were placed under stereotactic guidance "
    "at the 3 o'clock calcifications, the first at the cylinder clip and the second 1.5 cm "
    "medial to it.\n"
    "{said}\n"
    "Impression: Two stereotactically placed wires, left breast 3 o'clock.\n"
)


def test_wires_that_may_be_bracketing_one_group_leave_one_lesion_or_two_open(facts_of):
    text = HEDGED.format(
        said="The two wires may be bracketing a single group of calcifications or may be "
        "marking two adjacent groups."
    )
    assert len(facts_of(text).lesions) == 2
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert "SEPARATENESS_UNCLEAR" in {f.code for f in record.findings}


def test_wires_said_to_bracket_one_group_are_one_lesion(facts_of):
    text = HEDGED.format(said="The two wires bracket a single group of calcifications.")
    assert len(facts_of(text).lesions) == 1
    assert locaudit.assess(text).verdict == "not_supported"


PRESUMABLY = (
    "Stereotactic SAVI SCOUT localization, right breast\n"
    "Procedure: Prone stereotactic table. Reflector 1 was placed at the ribbon clip with stereo "
    "confirmation. Reflector 2 was placed at the small inferior group of calcifications, "
    "{relation}.\n"
    "Impression: Two SCOUT reflectors, right breast 7:00.\n"
)


def test_a_second_reflector_presumably_part_of_the_same_lesion_is_left_for_review():
    text = PRESUMABLY.format(relation="presumably part of the same lesion")
    assert locaudit.assess(text).verdict == "needs_review"


def test_a_second_reflector_said_to_bracket_the_same_lesion_is_one_lesion():
    text = PRESUMABLY.format(relation="bracketing the same lesion with reflector 1")
    assert locaudit.assess(text).verdict == "not_supported"


def test_a_postoperative_clinic_visit_places_nothing():
    text = (
        "SURGICAL ONCOLOGY CLINIC - POSTOPERATIVE VISIT\n"
        "Seen 2 weeks after right partial mastectomy. Before surgery Breast Imaging "
        "placed two wires under stereotactic guidance to bracket the calcifications at 10 "
        "o'clock, and a separate Magseed at a small IDC at 2 o'clock.\n"
        "Exam: incision healing well.\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_patient_brought_back_to_the_mammo_room_breaks_the_sitting():
    text = (
        "Upright stereotactic Magseed localization, RIGHT breast, 2 sites\n"
        "Seed 1: R 12:00, coil clip. Stereo pair, Magseed at clip.\n"
        "After seed 1 she had a vasovagal episode and recovered for about 45 minutes, then was "
        "brought back to the mammo room.\n"
        "Seed 2: R 8:00, ribbon clip, separate lesion. Stereo pair, Magseed at clip.\n"
    )
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert record.same_session is None


ORDERED = (
    "TRI-RIVER BREAST IMAGING   DOS 10/09/25\n"
    "ORDER: Stereo SCOUT loc R breast x2 (R 10:00, R 4:00), OR 10/13.\n"
    "{line}\n"
)


def test_an_order_then_not_performed_places_nothing():
    text = ORDERED.format(line="NOT PERFORMED. Pt declined after discussion. No needle.")
    assert locaudit.assess(text).verdict == "not_applicable"


def test_an_order_then_the_procedure_places():
    text = ORDERED.format(
        line="Prone stereotactic table. R 10:00: stereo pair, SCOUT reflector deployed. R "
        "4:00, separate site: stereo pair, SCOUT reflector deployed."
    )
    assert locaudit.assess(text).verdict == "supported"
