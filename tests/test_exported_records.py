"""Exported procedure records: a radiologist's report among the technologist's log, nursing
notes, supply log and vitals. The report documents the lesions; the other parts fill nothing
in, though their times and breaks still count for the session."""

from __future__ import annotations

import pytest

import locaudit

RECORD = """\
>> IMPLANT / SUPPLY
SAVI SCOUT reflector 5 cm   LOT 2411-7703   x3 opened, x2 implanted

>> TECHNOLOGIST PROCEDURE LOG
10:01 Upright add-on unit, pt seated, LEFT breast in CC.
10:09 Reflector 1 deployed.{between}
10:21 Reflector 2 deployed.

>> {report}
PROCEDURE: Stereotactic SAVI SCOUT reflector placement, two lesions.
Lesion 1: cylinder clip, 12:00 position, 6 cm FN. Stereo pair. SCOUT reflector deployed.
Lesion 2: wing clip, 6:00 position, 5 cm FN, separate from lesion 1. Stereo pair. SCOUT
reflector deployed adjacent to the clip.
IMPRESSION: Stereotactic SCOUT reflector localization of two separate lesions, same sitting.

>> NURSING DISCHARGE 10:48
Ambulatory. Right breast dressing dry.
"""


def test_beside_a_report_the_record_parts_give_no_side(facts_of):
    facts = facts_of(RECORD.format(report="RADIOLOGY REPORT (FINAL)", between=""))
    assert [les.laterality for les in facts.lesions] == [None, None]
    assert facts.stated_count in (None, 2)  # the supply log's 'x3 opened' counts no lesions
    record = locaudit.assess(RECORD.format(report="RADIOLOGY REPORT (FINAL)", between=""))
    assert record.verdict == "needs_review"


def test_without_a_report_the_log_is_the_documentation(facts_of):
    # the same text with no report heading: the technologist's log is what there is
    text = RECORD.format(report="NOTES", between="").replace("Right breast", "Left breast")
    facts = facts_of(text)
    assert {les.laterality for les in facts.lesions} == {"left"}


def test_a_break_in_the_log_still_puts_the_session_in_doubt(facts_of):
    text = RECORD.format(
        report="RADIOLOGY REPORT",
        between="\n10:12 Pt escorted out of procedure room to restroom.\n10:17 Back, repositioned.",
    )
    facts = facts_of(text)
    assert facts.session_unclear


def test_time_out_inside_a_report_is_no_record_part(nlp):
    doc = nlp("RADIOLOGY REPORT\nTime-out: performed. The left breast 2:00 wire was placed.")
    assert "ancillary" not in {name for _, _, name in doc._.locaudit_sections}


def test_a_scheduling_document_places_nothing():
    text = (
        "HARROW VALLEY MEDICAL CENTER - BREAST IMAGING SCHEDULING\n"
        "Requested procedure: Stereotactic wire localization LEFT breast x3\n"
        "  (three sites: 2:00 DCIS, 3:00 ADH, 12:00 clip-marked calcifications)\n"
        "Radiologist review: approved, 3 wires, allow 90 min table time."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_rad_path_correlation_headed_by_its_institution_places_nothing():
    text = (
        "ST. BRENDAN'S BREAST CENTER - RADIOLOGY-PATHOLOGY CORRELATION\n"
        "Reference: stereotactic I-125 seed localization of two sites on 04/22/2025.\n"
        "- Left 2:00 (site 1): IDC; seed and coil clip in specimen. Concordant.\n"
        "- Left 10:00 (site 2): DCIS; seed and ribbon clip retrieved. Concordant."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_what_the_patient_was_brought_in_for_is_no_placement():
    text = (
        "STEREOTACTIC NEEDLE LOCALIZATION, RIGHT BREAST X2 - NOT PERFORMED\n"
        "The patient was brought to the stereotactic suite for localization of two right "
        "breast sites (10:00 and 2:00). During positioning she had a vasovagal episode. No "
        "needle was introduced and no device was placed. Procedure cancelled."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_second_report_in_the_text_is_body_again(facts_of):
    text = (
        "REPORT 1\nSTEREOTACTIC NEEDLE LOCALIZATION RIGHT BREAST   07/11/2022\n"
        "The right breast 7 o'clock calcifications were localized under stereotactic guidance "
        "with a hookwire.\nIMPRESSION: Right breast 7 o'clock wire localization.\n\n"
        "REPORT 2\nSTEREOTACTIC NEEDLE LOCALIZATION LEFT BREAST   07/11/2022\n"
        "Performed immediately following the right breast localization, the patient remaining "
        "on the prone table. Left breast 1 o'clock mass localized under stereotactic guidance "
        "with a hookwire.\nIMPRESSION: Left breast 1 o'clock wire localization."
    )
    assert [les.laterality for les in facts_of(text).lesions] == ["right", "left"]


def test_two_reports_dated_two_days_leave_the_session_open(facts_of):
    text = (
        "===== REPORT DATED FRIDAY 11/08/2024 =====\nRight 10 o'clock ribbon clip: prone "
        "table, stereo pair, hookwire placed.\n\n===== REPORT DATED MONDAY 11/11/2024 =====\n"
        "Left 5 o'clock coil clip: prone table, stereo pair, hookwire placed."
    )
    assert facts_of(text).session_unclear


def test_an_addendum_that_denies_bracketing_withdraws_no_site():
    text = (
        "TECHNOLOGIST NOTE\nStereo wire loc R breast.\nWire 1: R 11:00, 6 cm FN - HydroMARK clip. "
        "Stereo pair.\nWire 2 (bracketing): R 2:00, 6 cm FN - coil clip. Stereo pair.\n\n"
        "RADIOLOGIST ADDENDUM\nAgree except for the word 'bracketing'. These are two separate "
        "lesions, not one bracketed lesion: 11:00 is the IDC and 2:00 is a separate ADH site, "
        "about 4 cm apart. Each lesion received its own wire."
    )
    record = locaudit.assess(text)
    assert (record.verdict, record.units_19284) == ("supported", 1)


def test_a_device_placed_earlier_stays_a_lesion_whose_session_is_asked(facts_of):
    text = (
        "MAMMOGRAM: At 9:00, the barbell clip and an I-125 seed are seen; the 9:00 seed was "
        "placed earlier under stereotactic guidance.\nPROCEDURE: Prone table, stereo pair of the "
        "right 3:00 coil clip, I-125 seed deployed 1 mm from the clip."
    )
    facts = facts_of(text)
    assert sorted(les.clock for les in facts.lesions) == [3.0, 9.0]
    assert locaudit.assess(text).verdict == "needs_review"


def test_a_post_localization_mammogram_or_a_pointer_to_another_report_places_nothing():
    assert (
        locaudit.assess(
            "post localization mammogram lift breast\nthe two stereotactic wires placed earlier "
            "this morning at the left 12 o'clock and 3 o'clock sites were imaged"
        ).verdict
        == "not_applicable"
    )
    assert (
        locaudit.assess(
            "Post-localization left CC and ML views. Two wires are present, at the 1:00 and 5:00 "
            "clip sites, placed earlier today under stereotactic guidance (see separate "
            "procedure report)."
        ).verdict
        == "not_applicable"
    )


def test_consent_obtained_ends_a_history_paragraph(nlp):
    doc = nlp(
        "The patient is a 55-year-old woman with biopsy-proven DCIS in the left upper outer "
        "quadrant. Consent obtained, timeout done. Prone table. One wire was placed."
    )
    assert [name for _, _, name in doc._.locaudit_sections] == ["history", "other"]


def test_a_patient_who_returned_to_the_department_between_sites_leaves_the_session_open(facts_of):
    text = (
        "Site 1, left 1:00: prone stereotactic table, stereo pair, Kopans wire placed.\n"
        "The patient went to Nuclear Medicine for lymphoscintigraphy. She {how} at 10:40.\n"
        "Site 2, left 9:00: stereo pair, second Kopans wire placed, a separate lesion."
    )
    assert facts_of(text.format(how="returned to the breast imaging department")).session_unclear
    # brought to a room for the first time is no return
    assert not facts_of(text.format(how="was brought to the stereotactic suite")).session_unclear


def test_a_seed_reconciliation_record_places_nothing():
    text = (
        "RADIATION SAFETY - I-125 SEED RECONCILIATION\nSeeds implanted: 3 (02/06/2025, Breast "
        "Imaging)\nRetrieved in pathology: specimen R-1 (right) 2 seeds; specimen L-1 1 seed."
    )
    assert locaudit.assess(text).verdict == "not_applicable"
    # a report's own 'Seed reconciliation:' line is a field, not such a record
    report = (
        "Left 2:00: prone stereotactic table, stereo pair, I-125 seed deployed. Right 9:00: "
        "stereo pair, I-125 seed deployed, separate lesion.\nSeed reconciliation: completed."
    )
    assert locaudit.assess(report).verdict == "supported"


def test_a_device_stamped_after_the_recorded_end_leaves_the_session_open(facts_of):
    text = (
        "Procedure start 08:31. Procedure end 09:02.\nSeed 1, left breast 3:00: prone "
        "stereotactic, stereo pair, I-125 seed (0.201 mCi) at 08:44.\nSeed 2, left breast 9:00, "
        "separate lesion: stereo pair, I-125 seed (0.197 mCi) at {time}."
    )
    assert facts_of(text.format(time="09:47")).session_unclear
    assert not facts_of(text.format(time="08:58")).session_unclear


def test_hl7_result_segments_are_read_line_by_line(nlp, facts_of):
    text = (
        "MSH|^~\\&|RADPRO|HVI|EPIC|HVH|20250312101522||ORU^R01|MSG1|P|2.5.1\n"
        "OBX|1|TX|RPT^REPORT||EXAM: STEREOTACTIC MAGSEED LOCALIZATION, RIGHT BREAST||||||F\n"
        "OBX|2|TX|RPT^REPORT||PROCEDURE: Prone stereotactic table, right breast.||||||F\n"
        "OBX|3|TX|RPT^REPORT||Lesion 1, right 9:00: stereo pair, a Magseed was deployed.||||||F\n"
        "OBX|4|TX|RPT^REPORT||Lesion 2, right 1:00: new stereo pair on the coil clip,||||||F\n"
        "OBX|5|TX|RPT^REPORT||second Magseed deployed.||||||F\n"
        "OBX|6|TX|RPT^REPORT||IMPRESSION: Magseed localization of two separate lesions.||||||F"
    )
    names = [name for _, _, name in nlp(text)._.locaudit_sections]
    assert names[-1] == "impression" and "procedure" in names
    assert [les.clock for les in facts_of(text).lesions] == [9.0, 1.0]


def test_a_post_procedure_mammogram_pointing_to_the_procedure_report_places_nothing():
    text = (
        "EXAM: Left mammogram, post localization (CC and 90 degree lateral).\n"
        "COMPARISON: Stereotactic localization earlier today, reported separately.\n"
        "FINDINGS: Two localization wires are present in the left breast, at 12:00 and 3:00.\n"
        "IMPRESSION: Satisfactory position of two left breast wires."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


@pytest.mark.parametrize(
    "times",
    [
        "Placement times: 9:00 seed 0815. 12:00 seed 1340.",
        "0705: #1 9:00 seed deployed.\n1235: pt back. #2 12:00 seed deployed.",
    ],
)
def test_placement_times_hours_apart_leave_the_session_open(facts_of, times):
    text = (
        "Stereotactic Magseed localization, right breast, 2 lesions. Prone stereotactic.\n"
        f"{times}\nSame session."
    )
    facts = facts_of(text)
    assert facts.session_unclear
    # a 'same session' statement does not settle what the record's clock says
    assert locaudit.assess(text).verdict == "needs_review"
