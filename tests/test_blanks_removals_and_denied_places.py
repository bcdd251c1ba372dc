"""A side dictated as '[inaudible]', a heading dictated without its colon, a wire dislodged
and taken out, an impression that lists a place it says was not localized. Each mechanism
with a near miss."""

from __future__ import annotations

import locaudit

DICTATED = (
    "Exam: stereotactic wire localization two sites\n"
    "History biopsy proven carcinoma 2 sites for excision today.\n"
    "Procedure consent time out prone stereotactic table. Site 1 right breast 9 o'clock coil "
    "clip targeted with stereo pair hookwire placed tip at clip. Site 2 {side} breast 4 "
    "o'clock ribbon clip targeted with stereo pair second hookwire placed tip 3 mm from clip. "
    "Both placed this session.\n"
    "Impression stereotactic wire localization two sites 9 o'clock and 4 o'clock.\n"
)


def test_an_inaudible_side_leaves_that_lesion_without_one(facts_of):
    sides = [les.laterality for les in facts_of(DICTATED.format(side="[inaudible]")).lesions]
    assert sides == ["right", None]
    assert locaudit.assess(DICTATED.format(side="[inaudible]")).verdict == "needs_review"


def test_a_side_dictated_in_full_is_that_lesion_s(facts_of):
    sides = [les.laterality for les in facts_of(DICTATED.format(side="right")).lesions]
    assert sides == ["right", "right"]
    assert locaudit.assess(DICTATED.format(side="right")).verdict == "supported"


def test_a_filled_macro_bracket_is_a_side(facts_of):
    text = (
        "Under [stereotactic] guidance, [2] [SAVI SCOUT reflectors] were placed in the [right] "
        "breast at [9:00 ant] and [12:00 post], one per lesion. Targets: [bx clips].\n"
        "IMP: [R SCOUT x2].\n"
    )
    assert {les.laterality for les in facts_of(text).lesions} == {"right"}


def test_a_heading_dictated_without_its_colon_ends_the_title(nlp):
    doc = nlp(DICTATED.format(side="right"))
    at = DICTATED.index("Procedure consent")
    names = [name for start, end, name in doc._.locaudit_sections if start <= at < end]
    assert names and names[0] != "title"


REMOVED = (
    "Exam: Stereotactic wire localization, right breast\n"
    "Indication: Right 9:00 IDC (coil clip) and right 12:00 DCIS (ribbon clip), separate sites.\n"
    "Procedure: Prone stereotactic table. Right 9:00: stereo pair, hookwire placed at the coil "
    "clip. Right 12:00: stereo pair, hookwire placed 2 mm from the ribbon clip.\n"
    "{told}\n"
    "Impression: Stereotactic wire localization, right 9:00 and 12:00.\n"
)


def test_a_wire_dislodged_and_removed_and_not_replaced_leaves_its_lesion_without_one(facts_of):
    text = REMOVED.format(told="The 12:00 wire was dislodged and removed; not replaced.")
    assert [les.clock for les in facts_of(text).lesions] == [9.0]
    assert locaudit.assess(text).verdict == "not_supported"


def test_a_wire_dislodged_and_replaced_keeps_its_lesion(facts_of):
    text = REMOVED.format(
        told="The 12:00 wire was dislodged and removed; a replacement wire was placed at the clip."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [0.0, 9.0]  # 12:00 is 0


DENIED = (
    "Exam: Stereotactic wire localization x2, left breast\n"
    "Indication: Left breast 1:00 IDC (coil clip); left 5:00 calcifications (ADH).\n"
    "Procedure: Prone stereotactic table. The 1:00 coil clip was targeted and a 9 cm wire "
    "deployed. {second}\n"
    "Impression: Left breast stereotactic wire localization, 2 lesions: 1:00 localized; "
    "5:00 {result}.\n"
)


def test_an_impression_place_said_not_localized_is_no_lesion(facts_of):
    text = DENIED.format(
        second="The 5:00 calcifications were not seen on the scout; aborted for that site.",
        result="not localized",
    )
    assert [les.clock for les in facts_of(text).lesions] == [1.0]
    assert locaudit.assess(text).verdict == "not_supported"


def test_an_impression_place_said_localized_is_a_lesion(facts_of):
    text = DENIED.format(
        second="The 5:00 calcifications were then targeted with a new stereo pair and a second "
        "9 cm wire deployed, a separate lesion.",
        result="localized",
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [1.0, 5.0]
