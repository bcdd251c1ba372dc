"""Teleradiology lesion blocks ('Lesion 2 / Side / Device / Guidance / Result') and lesions
marked by injected carbon or a radiotracer instead of a listed device (rules R20, Q7)."""

from __future__ import annotations

import pytest

import locaudit

BLOCKS = (
    "BREAST LOCALIZATION\nDOS: 07/09/2025\n\n"
    "Lesion 1\n Side: Left\n Device: Magseed\n Guidance: {guide}\n Result: at clip\n"
    "Lesion 2\n Side: Left\n Device: Magseed\n Guidance: {guide}\n Result: 2 mm from clip\n\n"
    "Free text: two separate bx sites L breast (12:00 IDC; 3:00 DCIS, 4 cm apart). Same sitting."
)


def test_a_blocks_guidance_field_after_its_device_line_is_that_lesions(facts_of):
    facts = facts_of(BLOCKS.format(guide="Stereo + tomo"))
    assert [(les.label, les.guidance) for les in facts.lesions] == [
        (1, "stereotactic"),
        (2, "stereotactic"),
    ]
    assert locaudit.assess(BLOCKS.format(guide="Stereo + tomo")).verdict == "supported"


def test_a_blocks_tomosynthesis_field_alone_is_no_stereotactic_guidance(facts_of):
    facts = facts_of(BLOCKS.format(guide="DBT"))
    assert [les.guidance for les in facts.lesions] == [None, None]
    assert all(les.tomosynthesis_only for les in facts.lesions)


def test_an_indented_result_field_is_no_findings_section(nlp):
    doc = nlp("Lesion 1\n Device: wire\n Result: at clip\nResult:\nwires at both clips")
    names = [name for _, _, name in doc._.locaudit_sections]
    assert names == ["other", "findings"]  # only the unindented 'Result:' heads a section


def test_a_label_measured_from_is_not_this_lesions(facts_of):
    facts = facts_of(
        "Lesion 1, left 1:00: prone stereotactic table, stereo pair. Magseed deployed at the "
        "coil clip.\nLesion 2, left 6:00 mass, 5 cm from lesion 1: stereo pair, Magseed "
        "deployed at the clip."
    )
    assert [(les.label, les.clock) for les in facts.lesions] == [(1, 1.0), (2, 6.0)]


@pytest.mark.parametrize(
    "marking",
    [
        "1.5 mL of sterile 4% carbon suspension was injected at the clip while withdrawing",
        "carbon (charcoal) track to the skin, per surgeon preference",
    ],
)
def test_a_lesion_marked_by_injected_carbon_goes_to_review(facts_of, marking):
    text = (
        "R 10:00 calcs: prone stereo, stereo pair, hookwire placed at the coil clip.\n"
        f"R 6:00 mass, separate: stereo pair, {marking}.\n"
        "IMPRESSION: Right 10:00 wire localization; right 6:00 carbon marking, same session."
    )
    assert [les.devices for les in facts_of(text).lesions] == [["wire"], ["other"]]
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert "UNVERIFIED_DEVICE" in {f.code for f in record.findings}


def test_carbon_in_another_sense_marks_nothing(facts_of):
    facts = facts_of(
        "Left 2:00: prone stereotactic table on the carbon fiber paddle; a carbon-coated "
        "BiomarC clip was the target. Hookwire placed at the clip."
    )
    assert [les.devices for les in facts.lesions] == [["wire"]]


def test_an_unresolved_pick_list_names_nothing(facts_of):
    text = (
        "Site 1: Right breast 10:00. Stereotactic guidance. SCOUT reflector deployed.\n"
        "Site 2: {side} breast 2:00, separate. Stereotactic guidance. {device} deployed.\n"
        "Both sites localized in one session."
    )
    picked = facts_of(text.format(side="Right", device="SCOUT reflector"))
    assert [les.laterality for les in picked.lesions] == ["right", "right"]
    unpicked = facts_of(
        text.format(side="{Right/Left/Bilateral:20341}", device="{SCOUT/Magseed/Wire:22981}")
    )
    assert unpicked.lesions[1].laterality is None
    assert unpicked.lesions[1].devices == []


def test_a_denied_bracket_and_a_new_clause_after_a_negation(facts_of):
    facts = facts_of(
        "Left 3:00: prone stereotactic table, stereo pair, two Magseeds deployed.\n"
        "Teaching physician attestation: these are two separate lesions, not a bracketed "
        "single lesion, and both were localized in this session."
    )
    assert not any(les.bracketed for les in facts.lesions)
    assert not facts.negated_placements  # 'and both were localized' is not denied


def test_a_blank_line_ends_a_lesion_block_for_a_paragraph_with_its_own_place(facts_of):
    text = (
        "Lesion 1:  Side: L   Device: wire (Kopans)   Guidance: stereo   Result: at clip\n"
        "Lesion 2:  Side: N/A   Device: N/A   Guidance: N/A   Result: N/A\n\n"
        "L 12:00 calcs, barbell clip. single site. prone, stereo pair, 1 wire. CC/ML ok."
    )
    facts = facts_of(text)
    assert [les.clock for les in facts.lesions] == [0.0]  # one lesion, at the free text's place
    assert locaudit.assess(text).verdict == "not_supported"


@pytest.mark.parametrize(
    ("when", "unclear"),
    [("was placed earlier", True), ("was placed earlier in the same procedure", False)],
)
def test_a_device_placed_earlier_leaves_the_session_open(facts_of, when, unclear):
    facts = facts_of(
        "R 10:00 calcs: prone stereo, I-125 seed placed at the coil clip. Second seed "
        f"(R 6:00, separate site, ribbon clip) {when}; both seeds seen on the post CC/ML."
    )
    assert bool(facts.session_unclear) is unclear


def test_a_side_heading_gives_its_block_the_side(facts_of):
    facts = facts_of(
        "GUIDANCE: Prone biopsy table, stereotactic targeting for each side.\n\n"
        "RIGHT BREAST\n  Location: 10 o'clock, posterior depth, 8 cm FN\n  Device: Magseed x1\n\n"
        "LEFT BREAST\n  Location: 4 o'clock, middle depth, 5 cm FN\n  Device: Magseed x1\n\n"
        "Session: single, 13:05-13:50, both sides."
    )
    assert [(les.laterality, les.clock) for les in facts.lesions] == [
        ("right", 10.0),
        ("left", 4.0),
    ]


def test_quoted_csv_cells_are_read_as_cells(facts_of):
    facts = facts_of(
        '"Lesion","Laterality","Position","Device","Guidance"\n'
        '"1","Right","UOQ, 10 o\'clock, 6 cm FN","Kopans wire, 9 cm","Stereotactic, prone"\n'
        '"2","Right","LIQ, 4 o\'clock, 5 cm FN","I-125 seed (0.22 mCi)","Stereotactic, prone"\n'
        '"Both lesions localized during this session. Separate quadrants."'
    )
    assert [(les.laterality, les.clock, les.devices) for les in facts.lesions] == [
        ("right", 10.0, ["wire"]),
        ("right", 4.0, ["radioactive_seed"]),
    ]


def test_a_seed_log_is_no_seed(facts_of):
    text = (
        "Lesion 1: left 1:00, ribbon clip, stereo pair, I-125 seed deployed at the clip.\n"
        "Lesion 2: left 7:00, coil clip, stereo pair.\nSeed {what}."
    )
    assert [les.label for les in facts_of(text.format(what="log completed")).lesions] == [1]
    assert [les.label for les in facts_of(text.format(what="placed")).lesions] == [1, 2]


def test_a_site_done_when_the_patient_came_back_leaves_the_session_open(facts_of):
    facts = facts_of(
        "Prone, LT, stereo pair on coil clip, I-125 seed deposited at 3:00. Pt asked to stop.\n"
        "11:00 site: done when pt came back. Stereo pair on ribbon clip, 2nd I-125 seed deposited."
    )
    assert facts.session_unclear


def test_a_lesion_table_under_a_findings_heading_is_the_body(nlp, facts_of):
    text = (
        "Exam: MG STEREO LOC BREAST BILAT\n\nFindings\nLesion\nLaterality\nLocation\n"
        "Localization device\nGuidance\n1\nRight\n10 o'clock, 7 cm from nipple\nMagseed\n"
        "Stereotactic, prone\n2\nLeft\n1 o'clock, 5 cm from nipple\nMagseed\nStereotactic, prone\n"
        "\nImpression\nBilateral stereotactic Magseed localization, one lesion in each breast."
    )
    names = [name for _, _, name in nlp(text)._.locaudit_sections]
    assert "procedure" in names
    assert [les.laterality for les in facts_of(text).lesions] == ["right", "left"]


def test_a_booking_list_with_a_device_column_places_nothing():
    text = (
        "### Breast Imaging - Localization Schedule for 2025-08-05\n\n"
        "| Time | Patient | Side | Lesions | Device | Guidance |\n|---|---|---|---|---|---|\n"
        "| 07:15 | Delmonico, Rue | L | 2 (2:00, 6:00) | wire x2 | stereo |\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_block_field_that_denies_its_lesion_leaves_the_others(facts_of):
    facts = facts_of(
        "Lesion 1\n  Side: Left\n  Location: 2:00, 6 cm FN\n  Guidance: stereotactic, prone\n"
        "  Device: Magseed\n  Result: seed 2 mm from clip on CC/ML\n"
        "Lesion 2\n  Side: Left\n  Location: 8:00, 4 cm FN\n  Device: none\n"
        "  Result: not placed - vasovagal episode after the stereo pair."
    )
    assert [(les.label, les.clock) for les in facts.lesions] == [(1, 2.0)]


def test_a_clip_in_a_device_field_is_placed(facts_of):
    text = (
        "Procedure: Stereotactic localization device placement\nPosition: prone\n\n"
        "Site A\n  Side: Right   Clock: 10:00   FN: 7 cm\n  Device type: clip   Brand: SecurMark\n"
        "Site B\n  Side: Right   Clock: 6:00    FN: 4 cm\n  Device type: clip   Brand: SecurMark\n"
        "Tissue sampling: none\nComments: Sites A and B are separate tumors; both marked this "
        "session under stereotactic guidance."
    )
    assert [(les.clock, les.devices) for les in facts_of(text).lesions] == [
        (10.0, ["clip"]),
        (6.0, ["clip"]),
    ]
    # a clip named in a sentence with no field before it is still only a target
    assert facts_of("Right 10:00: ribbon clip. Right 6:00: barbell clip.").lesions == []


def test_a_carbon_injection_is_an_act_beside_a_denied_wire():
    text = (
        "PROCEDURE: Prone stereotactic table.\nSite 1 (left 12:00): stereo pair, 7 cm hookwire "
        "through the coil clip.\nSite 2 (left 9:00): stereo pair; 1.5 mL of sterile 4% carbon "
        "suspension injected at the ribbon clip. No wire or seed placed at this site."
    )
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert "UNVERIFIED_DEVICE" in {f.code for f in record.findings}


def test_a_clip_beside_which_a_device_was_placed_is_its_target(facts_of):
    facts = facts_of(
        "Left 4 o'clock: lateral approach, new stereo pair on the coil clip, and I placed the "
        "localizer just beside the clip."
    )
    assert all("clip" not in les.devices for les in facts.lesions)
