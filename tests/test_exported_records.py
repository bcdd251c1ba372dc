"""Exported procedure records: a radiologist's report among the technologist's log, nursing
notes, supply log and vitals. The report documents the lesions; the other parts fill nothing
in, though their times and breaks still count for the session."""

from __future__ import annotations

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
