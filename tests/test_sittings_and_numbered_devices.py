"""A device another radiologist placed earlier the same day, told in the report of the second
placement (GUIDELINES: it stays a lesion whose sitting is open), and devices numbered in one
area with nothing said on one lesion or two (R25: two lesions, the decision asks). Each
mechanism with a near miss."""

from __future__ import annotations

import locaudit

OTHER_READER = (
    "EXAM: STEREOTACTIC MAGSEED LOCALIZATION, RIGHT BREAST\n"
    "HISTORY: Two right breast cancers. {told}\n\n"
    "PROCEDURE: Consent, time-out. Prone stereotactic table. Right 2:00, ribbon clip: stereo "
    "pair, Magseed deployed at the clip.\n"
    "IMPRESSION: Stereotactic Magseed localization, right 2:00.\n"
)


def test_a_seed_placed_earlier_today_in_another_report_leaves_the_sitting_open(facts_of):
    text = OTHER_READER.format(
        told="The right 7:00 site was localized with a Magseed under stereotactic guidance "
        "earlier today by Dr. Quist (see separate report)."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [2.0, 7.0]
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert record.same_session is None


def test_a_seed_placed_on_another_day_in_another_report_is_another_session(facts_of):
    text = OTHER_READER.format(
        told="The right 7:00 site was localized with a Magseed under stereotactic guidance "
        "on 03/02 by Dr. Quist (see separate report)."
    )
    assert [les.clock for les in facts_of(text).lesions] == [2.0]
    assert locaudit.assess(text).verdict == "not_supported"


BEFORE_PROCEDURE = (
    "Stereotactic SCOUT localization, left breast\n\n"
    "The left 10:00 mass (coil clip) {when} by Dr. Oyelaran (see her note). I localized the "
    "second site, left 4:00 calcifications (ribbon clip).\n\n"
    "Prone table, stereo pair, SCOUT reflector deployed at the ribbon clip. No complications.\n"
)


def test_earlier_today_in_the_paragraph_before_the_procedure_keeps_that_lesion(facts_of):
    text = BEFORE_PROCEDURE.format(when="was localized with a SCOUT reflector earlier today")
    assert sorted(les.clock for les in facts_of(text).lesions) == [4.0, 10.0]
    assert locaudit.assess(text).verdict == "needs_review"


def test_yesterday_in_the_paragraph_before_the_procedure_is_another_session(facts_of):
    text = BEFORE_PROCEDURE.format(when="was localized with a SCOUT reflector yesterday")
    assert [les.clock for les in facts_of(text).lesions] == [4.0]
    assert locaudit.assess(text).verdict == "not_supported"


IN_ITS_BLOCK = (
    "EXAM: STEREOTACTIC WIRE LOCALIZATION, LEFT BREAST\n"
    "PROCEDURE: Consent and time-out.\n"
    "LESION 1: Left 1:00, 6 cm FN. Stereo pair, 9 cm hookwire deployed at the coil clip.\n\n"
    "LESION 2: Left 8:00, 3 cm FN. A SCOUT reflector was placed at this site {when} under "
    "stereotactic guidance by Dr. Amsel; it is at the ribbon clip on today's views.\n\n"
    "IMPRESSION: Stereotactic wire localization, left 1:00. Left 8:00 reflector in place.\n"
)


def test_placed_at_this_site_earlier_in_a_lesion_block_is_that_lesion_with_an_open_sitting(
    facts_of,
):
    text = IN_ITS_BLOCK.format(when="earlier")
    assert sorted(les.clock for les in facts_of(text).lesions) == [1.0, 8.0]
    assert locaudit.assess(text).same_session is None


def test_placed_at_this_site_last_week_is_not_a_lesion_of_this_sitting(facts_of):
    text = IN_ITS_BLOCK.format(when="last week")
    assert [les.clock for les in facts_of(text).lesions] == [1.0]


NUMBERED = (
    "LEFT BREAST STEREOTACTIC NEEDLE LOCALIZATION\n"
    "Indication: DCIS, left upper outer quadrant, coil clip.\n"
    "Procedure: Prone, CC approach, stereo pair. Wire 1 placed at the coil clip. A second "
    "stereo pair was taken of calcifications 2 cm posterior to the clip, and {second} there.\n"
    "Impression: Stereotactic wire localization, left breast upper outer quadrant.\n"
)


def test_a_numbered_second_wire_in_one_area_is_a_second_lesion_left_for_review(facts_of):
    text = NUMBERED.format(second="wire 2 was placed")
    assert len(facts_of(text).lesions) == 2
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert "SEPARATENESS_UNCLEAR" in {f.code for f in record.findings}


def test_a_device_followed_by_a_distance_is_not_numbered(facts_of):
    text = NUMBERED.format(second="the wire tip lies 2 mm from the clip")
    assert len(facts_of(text).lesions) == 1
    assert locaudit.assess(text).verdict == "not_supported"


def test_an_aside_naming_the_earlier_site_s_clip_keeps_its_placement(facts_of):
    text = (
        "Stereotactic wire localization, right breast 10:00\n\n"
        "The right 2:00 site (ribbon clip) had been localized earlier today by Dr. Ferreira "
        "with a SCOUT reflector under stereotactic guidance.\n\n"
        "Today I localized the separate right 10:00 mass: prone table, stereo pair, 9 cm wire, "
        "tip at clip.\n"
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [2.0, 10.0]
    assert locaudit.assess(text).verdict == "needs_review"


def test_reflectors_that_were_localized_by_the_console_are_found_not_placed(facts_of):
    text = (
        "Post-procedure check: the SCOUT reflectors were localized with the console at the "
        "right 2:00 and 10:00 sites.\n"
    )
    assert facts_of(text).lesions == []


AT_THEIR_CLIPS = (
    "LEFT STEREO WIRE LOC x2\n"
    "Both lesions at 6:00 but separate: (1) anterior, 2 cm FN, IDC; (2) posterior, 8 cm FN, "
    "ADH. Upright stereo. {placed} Same procedure. No complications.\n"
)


def test_numbered_devices_at_two_named_clips_are_two_placements(facts_of):
    text = AT_THEIR_CLIPS.format(
        placed="Wire 1 to anterior ribbon clip, wire 2 to posterior coil clip."
    )
    assert len(facts_of(text).lesions) == 2
    assert locaudit.assess(text).verdict == "supported"


def test_a_seed_named_then_numbered_after_a_colon_is_each_numbered_seed(facts_of):
    text = (
        "Exam: Stereotactic Magseed localization, left breast\n"
        "History: left 2:00 IDC (ribbon clip) and left 5:00 DCIS (coil clip).\n"
        "Procedure: Prone stereotactic table, a stereo pair for each site, and a Magseed "
        "deployed: seed 1 at the ribbon clip, seed 2 at the coil clip, 4 cm apart, separate "
        "lesions. Same session.\n"
    )
    assert len(facts_of(text).lesions) == 2
    assert locaudit.assess(text).verdict == "supported"


def test_one_wire_at_a_clip_said_twice_is_one_placement(facts_of):
    text = AT_THEIR_CLIPS.format(
        placed="Wire to the anterior ribbon clip; the wire is at the ribbon clip."
    )
    assert len(facts_of(text).lesions) == 1
