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
