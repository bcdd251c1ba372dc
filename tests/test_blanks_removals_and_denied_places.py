"""The eleventh session's mechanisms, each with a near miss: blanks ('[inaudible] breast', a
heading dictated without its colon), devices taken out or never placed ('dislodged and
removed', 'rather than a second wire', a hookwire needle withdrawn, 'not localized' in an
impression list), reports pasted under their own accessions or withdrawn by an amendment,
times and dates that open the sitting (an operating-room time, a 'Deployed:' field, a numbered
log line, a date ending a lesion's line), synoptic forms (dotted leaders, a depth ending a line,
a table's guidance cell, 'Biopsy performed today: No', a technologist's worksheet or supply
log), hedged and stated counts, 'these two wires bracket' and guidance said in one numbered
item."""

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


def test_it_was_withdrawn_after_the_wire_was_named_and_not_replaced_removes_it(facts_of):
    text = REMOVED.format(
        told="Addendum: on the post-procedure views the 12:00 wire was found 3 cm deep to the "
        "clip. It was withdrawn in the procedure room. After discussion with the surgeon it was "
        "not replaced."
    )
    assert [les.clock for les in facts_of(text).lesions] == [9.0]


def test_it_was_withdrawn_and_replaced_keeps_the_lesion(facts_of):
    text = REMOVED.format(
        told="Addendum: on the post-procedure views the 12:00 wire was found 3 cm deep to the "
        "clip. It was withdrawn and a replacement wire was placed at the clip."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [0.0, 9.0]


TIMES = (
    "Procedure: Stereotactic wire localization, RIGHT breast, two lesions (pre-op, OR {time} "
    "today)\n"
    "Right 10:00 and right 2:00, separate biopsy-proven sites. Prone stereotactic table, each "
    "clip on its own stereo pair; a 9 cm hookwire deployed at each.\n"
    "Wire 1 (R 10:00): at the ribbon clip. Wire 2 (R 2:00): at the coil clip.\n"
    "Impression: Stereotactic wire localization x2, right breast, single session.\n"
)


def test_an_operating_room_time_is_no_clock_face(facts_of):
    assert sorted(les.clock for les in facts_of(TIMES.format(time="10:30")).lesions) == [2.0, 10.0]
    assert locaudit.assess(TIMES.format(time="10:30")).verdict == "supported"


def test_two_places_joined_by_or_are_both_clock_faces(facts_of):
    text = "History: right 2:00 or 3:00 calcifications.\n" + TIMES.format(time="at noon")
    clocks = [m for m in facts_of(text).lesions]
    assert len(clocks) == 2


def test_an_mri_receiver_coil_is_no_coil_marker_nor_a_grid(facts_of):
    text = (
        "PROCEDURES (one visit): stereotactic Magseed localization, right breast 8:00; "
        "MRI-guided Magseed localization, left breast 12:00.\n"
        "Right 8:00: prone stereotactic table, stereo pair, Magseed deployed at the ribbon clip.\n"
        "The patient was then taken to the MRI suite. Left breast in the grid coil; after "
        "gadolinium, a Magseed was deployed at the 12:00 clip under MRI guidance.\n"
    )
    left = [les for les in facts_of(text).lesions if les.laterality == "left"]
    assert [les.guidance for les in left] == ["mri"]
    assert all(les.marker != "coil" for les in left)


EARLIER = (
    "PROCEDURE: Stereotactic wire localization, right breast 8:00.\n\n"
    "HISTORY: Right breast multifocal IDC, two sites (8:00 and 11:00), lumpectomy this\n"
    "afternoon. A wire at the right 11:00 site was placed {when} by Dr. Reinholt before his "
    "shift\nended; I was asked to complete the 8:00 site.\n\n"
    "PROCEDURE: After consent and time-out the patient was positioned prone on the "
    "stereotactic table.\nLateral approach, scout and stereo pair targeting the coil clip at "
    "8:00. A 20-gauge\n9 cm hookwire was deployed 3 mm beyond the clip.\n\n"
    "Post-procedure CC/ML right mammogram: the new 8:00 wire traverses the coil clip. The "
    "11:00 wire is\nalso seen at the ribbon clip.\n\n"
    "IMPRESSION: Stereotactic wire localization right breast 8:00. Second wire at 11:00 as "
    "above.\n"
)


def test_a_wire_placed_earlier_today_by_another_radiologist_leaves_the_sitting_open():
    record = locaudit.assess(EARLIER.format(when="earlier today"))
    assert len(record.lesions) == 2
    assert record.same_session is None
    assert record.verdict == "needs_review"


def test_a_wire_placed_yesterday_is_another_session():
    assert locaudit.assess(EARLIER.format(when="yesterday")).verdict == "not_supported"


def test_a_side_wrapped_before_its_clock_face_stays_with_it(nlp):
    text = (
        "IMPRESSION: Localization of two separate lesions, left 1:00 and left\n5:00, one session.\n"
    )
    assert len(list(nlp(text).sents)) == 1


def test_a_side_field_ends_its_line(nlp):
    text = "Side: left\n10:15 time-out performed.\n"
    assert len(list(nlp(text).sents)) == 2


NUMBERED_SITES = (
    "STEREO NL R BREAST X2 - Dr. Ashworth\n"
    "Hx: R 10:00 calcs (DCIS) + separate R 2:00 IDC w/ coil clip.\n"
    "Prone stereo. #1 10:00 6cm FN, calcs, sup approach. #2 2:00 4cm FN, coil clip, med "
    "approach. {devices}, stereo pair each.\n"
    "Post films: wires at #1 and #2 targets, hooks OK.\n"
)


def test_devices_counted_after_the_sites_listed_are_one_at_each(facts_of):
    text = NUMBERED_SITES.format(devices="20g Kopans x2")
    assert sorted(les.clock for les in facts_of(text).lesions) == [2.0, 10.0]
    assert locaudit.assess(text).verdict == "supported"


def test_one_device_after_the_sites_listed_is_not_spread(facts_of):
    text = NUMBERED_SITES.format(devices="One 20g Kopans wire")
    assert len(facts_of(text).lesions) == 1


def test_a_signature_time_before_a_colon_is_no_afternoon_heading():
    text = (
        "Procedure: Stereotactic LOCalizer tag placement, left breast, 2 lesions\n"
        "Description: Prone stereotactic table. The left 1:00 lesion (ribbon clip) was targeted "
        "with a stereo pair and a LOCalizer tag deployed. The separate left 5:00 lesion (coil "
        "clip), 6 cm away: new stereo pair, a second tag deployed at the clip. Both placed this "
        "session.\n"
        "Impression: Stereotactic tag localization x2, left breast 1:00 and 5:00.\n"
        "Attestation signed by A. Bhattacharjee, MD at 4/23/2025 1:15 PM: I was present for the "
        "entire procedure.\n"
    )
    record = locaudit.assess(text)
    assert record.same_session is True
    assert record.verdict == "supported"


def test_a_hash_number_before_a_side_labels_its_lesion(facts_of):
    text = (
        "STEREO SCOUT LOC RT x2\n"
        "Hx: R 9:00 ant IDC (3 cm FN, cylinder clip) and R 9:00 post papilloma (10 cm FN, coil "
        "clip) - 2 distinct lesions 7 cm apart, NOT one lesion.\n"
        "Prone stereo.\n"
        "{a} R 9:00 ant: SCOUT reflector at cylinder clip.\n"
        "{b} R 9:00 post: SCOUT reflector at coil clip.\n"
        "IMP: stereo SCOUT loc of 2 separate R 9:00 lesions (ant/post), one session.\n"
    )
    assert len(facts_of(text.format(a="#1", b="#2")).lesions) == 2
    assert locaudit.assess(text.format(a="#1", b="#2")).verdict == "supported"


def test_a_device_number_before_a_colon_is_no_lesion_label(nlp):
    doc = nlp("Magseed #1: R 9:00 at the clip.\n")
    assert not [span for span in doc.spans["locaudit_concepts"] if span.label_ == "LESION"]


CUSTODY = (
    "RADIATION SAFETY - I-125 SEED CHAIN OF CUSTODY\n"
    "Seeds received: 3. Seeds implanted: 2. Seeds returned unused: 1.\n\n"
    "{heading}\n"
    "Stereotactic radioactive seed localization, left breast, 2 lesions.\n"
    "Left 3:00 IDC (HydroMARK clip); separate left 11:00 IDC (ribbon clip). Prone stereotactic "
    "table. For each lesion a scout and stereo pair were obtained and a needle advanced: seed 1 "
    "at the 3:00 HydroMARK clip, seed 2 at the 11:00 ribbon clip.\n"
    "IMPRESSION: Stereotactic I-125 seed localization of two separate left breast lesions.\n"
)


def test_a_procedure_report_under_a_custody_form_is_the_body():
    assert locaudit.assess(CUSTODY.format(heading="PROCEDURE REPORT")).verdict == "supported"


def test_a_custody_form_alone_places_nothing_today():
    text = CUSTODY.format(heading="Seeds implanted on 03/10 per the attached log.")
    assert locaudit.assess(text).verdict != "supported"


PROCEDURES = (
    "{heading}\n"
    "1. Stereotactic radioactive seed localization, right breast, two known cancers (10:00 and "
    "12:00)\n"
    "2. Stereotactic vacuum-assisted biopsy, right breast 6:00, with clip placement\n\n"
    "DESCRIPTION: Prone stereotactic table. The 10:00 coil clip was targeted with a stereo pair "
    "and an I-125 seed deployed. The 12:00 ribbon clip was then targeted on a new stereo pair "
    "and a second I-125 seed deployed. These are separate lesions 4 cm apart. The 6:00 "
    "calcifications were then biopsied (9G, 8 cores) and a clip was placed at the biopsy site.\n"
)


def test_a_list_of_procedures_performed_is_their_titles(facts_of):
    lesions = facts_of(PROCEDURES.format(heading="PROCEDURES:")).lesions
    assert sorted((les.clock, les.laterality) for les in lesions) == [
        (0.0, "right"),
        (6.0, "right"),
        (10.0, "right"),
    ]


PASTED = (
    "-------------------------------------------------------------\n"
    "Accession RC25-08841   MAMMO STEREO LOC RIGHT 1ST LESION\n"
    "Patient: TENNEY, CAROL   Exam date: 04/30/2025\n"
    "Right 11:00 coil clip targeted on prone stereotactic table with stereo pair. Hookwire "
    "placed, tip at clip.\n"
    "IMPRESSION: Stereotactic wire localization right 11:00.\n"
    "-------------------------------------------------------------\n"
    "{second}\n"
    "Patient: TENNEY, CAROL   Exam date: 04/30/2025\n"
    "Right 6:00 ribbon clip targeted on prone stereotactic table with stereo pair. Hookwire "
    "placed, tip 2 mm from clip.\n"
    "IMPRESSION: Stereotactic wire localization right 6:00.\n"
)


def test_a_second_report_s_accession_line_ends_the_first_impression(facts_of):
    text = PASTED.format(second="Accession RC25-08847   MAMMO STEREO LOC RIGHT ADDL LESION")
    assert sorted(les.clock for les in facts_of(text).lesions) == [6.0, 11.0]
    record = locaudit.assess(text)
    assert record.same_session is None  # two accessions, no time: the sitting is asked
    assert record.verdict == "needs_review"


NEXT_WEEK = (
    "PROCEDURE: Consent and time out. Prone stereotactic table.\n"
    "A. Left 9 o'clock calcifications: stereo pair; 9G vacuum-assisted biopsy, 8 cores; a "
    "HydroMARK clip was placed at the biopsy site.\n"
    "B. Left 1 o'clock ribbon clip (a separate lesion): targeted with a stereo pair; a Magseed "
    "was deployed adjacent to the clip {when}.\n"
)


def test_next_week_s_surgery_does_not_date_today_s_seed(facts_of):
    text = NEXT_WEEK.format(when="for next week's lumpectomy")
    assert sorted(les.clock for les in facts_of(text).lesions) == [1.0, 9.0]


def test_a_seed_deployed_next_week_is_not_today_s(facts_of):
    text = NEXT_WEEK.format(when="next week")
    assert [les.clock for les in facts_of(text).lesions] == [9.0]


HEDGED = (
    "STEREO WIRE LOC, RIGHT\n"
    "Indication: Right UOQ calcifications (DCIS) at 10:00.\n"
    "Prone stereotactic. First wire at the ribbon clip within the main calcification group. A "
    "second wire was placed 2 cm posterior at 10:30, at a smaller cluster that {what}; stereo "
    "pair for each.\n"
)


def test_either_the_extent_of_the_same_group_or_a_separate_group_is_asked():
    what = "appears to be either the posterior extent of the same group or a separate group"
    assert locaudit.assess(HEDGED.format(what=what)).verdict == "needs_review"


def test_the_extent_of_the_same_group_said_plainly_is_one_lesion():
    what = "is the posterior extent of the same group; the two wires bracket it"
    assert locaudit.assess(HEDGED.format(what=what)).verdict == "not_supported"


BLOCKS = (
    "Procedure: Pre-operative wire localization, left breast\n"
    "Number of lesions: 2\n\n"
    "LESION 1\n  Laterality: Left\n  Location: 1 o'clock, 7 cm FN\n"
    "  Guidance: Stereotactic (prone table, scout and stereo pair)\n"
    "  Device: 20G hookwire, 9 cm\n\n"
    "LESION 2\n  Laterality: Left\n  Location: 4 o'clock, 4 cm FN\n"
    "  Guidance: {second} (mass not seen on the stereotactic scout; patient moved supine)\n"
    "  Device: 20G hookwire, 5 cm\n\n"
    "IMPRESSION: Left breast wire localization x2: lesion 1 stereotactic, lesion 2 {said}.\n"
)


def test_an_impression_gives_each_labelled_lesion_the_guidance_after_its_label():
    record = locaudit.assess(BLOCKS.format(second="Ultrasound", said="ultrasound-guided"))
    assert [les.guidance for les in record.lesions] == ["stereotactic", "ultrasound"]
    assert record.verdict == "not_supported"


def test_an_impression_that_says_both_stereotactic_keeps_both():
    text = BLOCKS.format(second="Stereotactic", said="stereotactic")
    record = locaudit.assess(
        text.replace(" (mass not adequately seen on the stereotactic scout)", "")
    )
    assert [les.guidance for les in record.lesions] == ["stereotactic", "stereotactic"]
    assert record.verdict == "supported"


def test_a_tag_id_aside_is_no_second_device(facts_of):
    text = (
        "Targets: (1) right 8:00 IDC, cork clip; (2) right 11:00 ILC, separate lesion, coil clip.\n"
        "For each target a stereotactic pair was obtained. A LOCalizer RFID tag was deployed at "
        "each site (tag IDs ending 4471 and 4488).\n"
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [8.0, 11.0]


TERSE_BIOPSY = (
    "Stereo VAB R breast x2, prone.\n"
    "A) R 10:00, fine pleomorphic calcs. {a} Ribbon clip placed.\n"
    "B) R 2:00, separate group amorphous calcs. {b} Coil clip placed.\n"
    "Post CC/ML: clips at A and B, no migration.\n"
)


def test_cores_by_gauge_and_a_specimen_radiograph_make_each_clip_a_biopsy_marker():
    record = locaudit.assess(
        TERSE_BIOPSY.format(a="9G x9. Spec rad + calcs.", b="9G x8. Spec rad + calcs.")
    )
    assert [les.purpose for les in record.lesions] == ["biopsy_marker", "biopsy_marker"]
    assert record.verdict == "not_supported"


def test_a_wire_s_gauge_is_no_biopsy(facts_of):
    text = (
        "Stereotactic wire localization, right breast x2, prone.\n"
        "A) R 10:00 ribbon clip: 20 G 9 cm hookwire placed at the clip.\n"
        "B) R 2:00 coil clip, separate lesion: 20 G 9 cm hookwire placed at the clip.\n"
    )
    assert [les.purpose for les in facts_of(text).lesions] == ["localization", "localization"]


WORKSHEET = (
    "EXAM: STEREO NL x2\n"
    "INDIC: R 10:00 IDC (coil clip); 2nd site 6:00 ADH (ribbon clip).\n"
    "TECH: prone, scout/+-15 each, lido.\n"
    "LESION DETAIL:\n"
    " #1 R 10:00 MD 6 cm FN, coil clip. 9 cm wire, tip at clip.\n"
    " #2 6:00 PD 8 cm FN, ribbon clip. 9 cm wire, thick seg at clip. Separate site.\n"
    "IMP: Stereo NL x2, one sitting.\n\n"
    "TECH WORKSHEET (K. Lehtonen RT):\n"
    " Lesion 1 - RIGHT 10:00 - coil - 9 cm wire\n"
    " Lesion 2 - {side} 6:00 - ribbon - 9 cm wire\n"
)


def test_a_technologist_s_worksheet_does_not_give_the_report_s_lesion_its_side():
    record = locaudit.assess(WORKSHEET.format(side="LEFT"))
    assert [les.laterality for les in record.lesions] == ["right", None]
    assert record.verdict == "needs_review"


HEDGED_COUNT = (
    "IMPRESSION: Two SAVI SCOUT reflectors placed under stereotactic guidance in the LEFT breast "
    "at 10:00 and 11:00. {said}\n"
    "Technique: Prone stereotactic table; scout and stereo pair for each reflector.\n"
    " Reflector 1: left 10:00, 5 cm FN, at the ribbon clip.\n"
    " Reflector 2: left 11:00, 6 cm FN, at the calcifications 2.2 cm from the clip.\n"
)


def test_two_groups_or_one_group_with_a_gap_is_asked():
    said = "These may represent two separate groups of calcifications or one group with a gap."
    assert locaudit.assess(HEDGED_COUNT.format(said=said)).verdict == "needs_review"


def test_two_separate_groups_said_plainly_are_two_lesions():
    said = "These are two separate groups of calcifications, separately biopsied."
    assert locaudit.assess(HEDGED_COUNT.format(said=said)).verdict == "supported"


SIDE_DOUBT = (
    "Procedure: Prone stereotactic table. The left 2 o'clock coil clip was targeted with a stereo "
    "pair and a 9 cm hook wire was placed. The patient was repositioned and the right breast 6 "
    "o'clock ribbon clip was targeted with a new stereo pair, and a second 9 cm hook wire was "
    "placed.\n"
    "Impression: Stereotactic hook wire localization, left 2 o'clock and right 6 o'clock, same "
    "session.\n\n"
    "Addendum: The side of the 6 o'clock site as dictated (right) conflicts with the surgical "
    "order, which lists the left breast 6 o'clock. {then}\n"
)


def test_an_addendum_unable_to_confirm_a_clock_face_s_side_leaves_it_open():
    then = "I am unable to confirm the side from the saved images."
    record = locaudit.assess(SIDE_DOUBT.format(then=then))
    assert [les.laterality for les in record.lesions] == ["left", None]
    assert record.verdict == "needs_review"


def test_an_addendum_that_corrects_the_side_settles_it():
    then = "Correction: the 6 o'clock site is in the left breast."
    record = locaudit.assess(SIDE_DOUBT.format(then=then))
    assert [les.laterality for les in record.lesions] == ["left", "left"]


TARGETS = (
    "Stereotactic I-125 seed localization, left breast, two lesions.\n"
    "The first target was the biopsy-proven IDC at left 2:00, 6 cm from the nipple, {first} "
    "coil clip. The second target was a separately biopsied IDC at left 10:00, 4 cm from the "
    "nipple, marked with a wing clip. With the patient prone, each target was localized with a "
    "stereo pair and an I-125 seed.\n"
)


def test_a_finding_described_as_marked_with_its_clip_places_no_clip(facts_of):
    lesions = facts_of(TARGETS.format(first="marked with a")).lesions
    assert all(les.devices == ["radioactive_seed"] for les in lesions)
    assert locaudit.assess(TARGETS.format(first="marked with a")).verdict == "supported"


def test_a_biopsy_site_marked_with_a_clip_today_is_a_clip_placed(facts_of):
    text = (
        "Stereotactic vacuum-assisted biopsy of the left 2:00 calcifications, 9G, 8 cores. The "
        "biopsy site was marked with a coil clip.\n"
    )
    assert [les.devices for les in facts_of(text).lesions] == [["clip"]]


BILATERAL = (
    "Today she was placed prone on the stereotactic table. The right breast was addressed first: "
    "scout and stereo pair images targeted the cylinder clip at 11 o'clock and an I-125 seed was "
    "deployed. She was then repositioned on the same table {how}, and the left breast was imaged "
    "from a mediolateral approach. The wing clip at 2 o'clock was targeted stereotactically and "
    "a second I-125 seed was deployed.\n"
)


def test_without_getting_up_denies_nothing_after_it(facts_of):
    lesions = facts_of(BILATERAL.format(how="without getting up")).lesions
    assert [les.laterality for les in lesions] == ["right", "left"]


def test_a_side_said_plainly_after_repositioning_is_that_lesion_s(facts_of):
    lesions = facts_of(BILATERAL.format(how="with a pillow")).lesions
    assert [les.laterality for les in lesions] == ["right", "left"]


CARBON = (
    "EXAM: Stereotactic localization, right breast, two sites\n"
    "PROCEDURE: Prone stereotactic table. 11:00: stereo pair on the coil clip; 9 cm hookwire "
    "placed at the clip.\n"
    "3:00: the residual calcifications, 5 cm from the 11:00 clip, were targeted with their own "
    "stereo pair and {what}.\n"
)


def test_rather_than_a_second_wire_places_no_wire(facts_of):
    what = "carbon suspension was injected, leaving a carbon track, rather than a second wire"
    lesions = facts_of(CARBON.format(what=what)).lesions
    assert [les.devices for les in lesions] == [["wire"], ["other"]]


def test_a_second_wire_said_plainly_is_placed(facts_of):
    lesions = facts_of(CARBON.format(what="a second wire was placed")).lesions
    assert [les.devices for les in lesions] == [["wire"], ["wire"]]


DATED_LINES = (
    "EXAM: STEREOTACTIC SCOUT LOCALIZATION, LEFT BREAST x2\n"
    "DATE OF SERVICE: 04/16/2025\n"
    "TECHNIQUE: Prone stereotactic table, scout and stereo pairs.\n"
    "  Lesion 1 - Left 12:00: SCOUT reflector deployed at X clip. 04/16/2025.\n"
    "  Lesion 2 - Left 4:00, separate: SCOUT reflector deployed at coil clip. {date}.\n"
    "IMPRESSION: Stereotactic SCOUT localization of two separate left breast lesions.\n"
)


def test_a_lesion_line_ending_with_another_day_leaves_the_sitting_open():
    record = locaudit.assess(DATED_LINES.format(date="04/17/2025"))
    assert record.same_session is None
    assert record.verdict == "needs_review"


def test_a_lesion_line_ending_with_the_day_of_service_is_that_sitting():
    assert locaudit.assess(DATED_LINES.format(date="04/16/2025")).verdict == "supported"


def test_a_starred_accession_and_date_line_opens_the_next_report(facts_of):
    text = PASTED.format(second="*** Acc RC25-08847 ***  04/30/2025").replace(
        "Accession RC25-08841   MAMMO STEREO LOC RIGHT 1ST LESION",
        "*** Acc RC25-08841 ***  04/30/2025",
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [6.0, 11.0]


LEADERS = (
    "Localization synoptic (BRLOC v2.4)\n"
    "Lesion 1:\n  Breast ......... RIGHT\n  Site ........... 6:00, 5 cm FN\n"
    "  Guidance ....... Stereotactic, prone\n  Device ......... Magseed (1)\n"
    "Lesion 2:\n  Breast ......... LEFT\n  Site ........... 2:00\n"
    "  Guidance ....... Stereotactic, prone\n  Device ......... {second}\n"
)


def test_a_dotted_device_field_names_the_device_and_its_not_placed_denies_one_lesion():
    record = locaudit.assess(LEADERS.format(second="not placed today"))
    assert [(les.laterality, les.devices) for les in record.lesions] == [
        ("right", ["magnetic_seed"])
    ]
    assert record.verdict == "not_supported"


def test_two_dotted_device_fields_are_two_placements():
    assert locaudit.assess(LEADERS.format(second="Magseed (1)")).verdict == "supported"


SYNOPTIC = (
    "LESIONS LOCALIZED: 2 (bilateral)\n\n"
    "LESION 1\n  Side: Right\n  Location: 7:00, 4 cm FN, {depth}\n"
    "  Target: biopsy clip (O-ring), IDC\n  Guidance: stereotactic prone\n"
    "  Device: Magseed x1\n"
    "LESION 2\n  Side: Left\n  Location: 2:00, 9 cm FN, posterior\n"
    "  Target: biopsy clip (ribbon), DCIS\n  Guidance: stereotactic prone\n"
    "  Device: Magseed x1\n"
)


def test_a_depth_ending_a_line_does_not_name_the_next_field_s_lesion(facts_of):
    lesions = facts_of(SYNOPTIC.format(depth="anterior")).lesions
    assert [(les.label, les.laterality) for les in lesions] == [(1, "right"), (2, "left")]


def test_a_position_named_on_its_own_line_labels_a_lesion(nlp):
    doc = nlp("Anterior site: left 10:00, ribbon clip.\n")
    labels = [s for s in doc.spans["locaudit_concepts"] if s.label_ == "LESION"]
    assert [s.kb_id_ for s in labels] == ["position"]


TABLE = (
    "Lesions localized: 3   Side: LEFT\n\n"
    "| # | Site | Target | Guidance | Device |\n"
    "| 1 | L 1:00, 6 cm FN | ribbon clip (DCIS) | Stereotactic prone | SCOUT x1 |\n"
    "| 2 | L 11:00, 9 cm FN | coil clip (DCIS, separate biopsy) | Stereotactic prone | SCOUT x1 |\n"
    "| 3 | L 7:00, 4 cm FN | mass with HydroMARK (IDC) | {third} | SCOUT x1 |\n"
)


def test_a_guidance_cell_naming_ultrasound_alone_is_that_lesion_s_guidance(facts_of):
    lesions = facts_of(TABLE.format(third="Ultrasound")).lesions
    assert [les.guidance for les in lesions] == ["stereotactic", "stereotactic", "ultrasound"]


def test_a_biopsy_field_answered_no_makes_no_biopsy_marker(facts_of):
    text = (
        "Guidance: Stereotactic, prone table.\n"
        "LESION 1\n  Side: Left\n  Location: 12:00\n  Device: Tissue marker clip (cylinder) x1\n"
        "  Biopsy performed today: {answer}\n"
    )
    assert [les.purpose for les in facts_of(text.format(answer="No")).lesions] == ["localization"]
    assert [les.purpose for les in facts_of(text.format(answer="Yes, 9G x8")).lesions] == [
        "biopsy_marker"
    ]


def test_a_deployed_field_after_the_recorded_end_leaves_the_sitting_open():
    text = (
        "Procedure start: 07:40   Procedure end: 08:15\n"
        "LESION 1\n  Side: Left    Location: 3:00, 5 cm FN\n  Guidance: Stereotactic prone\n"
        "  Device: LOCalizer tag     Deployed: 07:58\n"
        "LESION 2\n  Side: Left    Location: 11:00, 8 cm FN, separate biopsy\n"
        "  Guidance: Stereotactic prone\n  Device: LOCalizer tag     Deployed: {time}\n"
    )
    late = locaudit.assess(text.format(time="11:46"))
    assert late.same_session is None
    assert late.verdict == "needs_review"
    assert locaudit.assess(text.format(time="08:09")).verdict == "supported"


PER_PLACE_GUIDANCE = (
    "IMPRESSION: Wire localization of two left breast lesions: 2:00 (stereotactic, prone) and "
    "6:00 ({second}). Both wires satisfactory.\n\n"
    "PROCEDURE: 2:00 coil clip: prone stereotactic table, scout and stereo pair, 20 g hookwire "
    "deployed. The 6:00 ribbon clip could not be brought into the prone aperture; the patient "
    "was moved to the upright unit in the adjacent room and a 20 g hookwire was placed at the "
    "6:00 clip. Separate lesions, 7 cm apart.\n"
)


def test_a_place_listed_with_no_modality_of_its_own_takes_none_from_the_place_before():
    record = locaudit.assess(PER_PLACE_GUIDANCE.format(second="upright unit"))
    assert [les.guidance for les in record.lesions] == ["stereotactic", None]
    assert record.verdict == "needs_review"


def test_a_place_listed_with_its_own_modality_keeps_it():
    record = locaudit.assess(PER_PLACE_GUIDANCE.format(second="upright stereotactic, stereo pair"))
    assert [les.guidance for les in record.lesions] == ["stereotactic", "stereotactic"]


def test_a_technologist_s_supply_log_is_ancillary(nlp):
    text = (
        "RADIOLOGY REPORT\nProcedure: Prone stereo. Lesion 1 left 5:00 coil clip - Magseed at "
        "clip. Lesion 2 left 8:00 ribbon clip - Magseed 3 mm posterior.\n\n"
        "--- Tech supply log (D. Pegues, RT(M)) ---\n"
        "Magseed x3 opened. #3 dropped during loading, wasted, not implanted. 2 implanted.\n"
    )
    at = text.index("Magseed x3")
    names = [name for start, end, name in nlp(text)._.locaudit_sections if start <= at < end]
    assert names == ["ancillary"]
    assert locaudit.assess(text).verdict == "supported"


NUMBERED_TIMES = (
    "Procedure: Stereotactic SCOUT localization, right breast\n"
    "1. Indication: Right 9:00 IDC (ribbon clip); right 12:00 DCIS (coil clip), separate.\n"
    "2. Consent/time-out 08:15.\n"
    "3. 08:22 - Prone stereotactic table, stereo pair, SCOUT reflector at right 9:00 ribbon clip.\n"
    "4. {time} - Prone stereotactic table, stereo pair, SCOUT reflector at right 12:00 coil clip.\n"
)


def test_numbered_log_lines_hours_apart_leave_the_sitting_open():
    record = locaudit.assess(NUMBERED_TIMES.format(time="14:05"))
    assert record.same_session is None
    assert record.verdict == "needs_review"


def test_numbered_log_lines_minutes_apart_are_one_sitting():
    assert locaudit.assess(NUMBERED_TIMES.format(time="08:41")).verdict == "supported"


PREPOPULATED = (
    "EXAM: STEREOTACTIC SCOUT LOCALIZATION, RIGHT BREAST X2\n"
    "1. INDICATION: Right 9:00 IDC (coil clip), right 1:00 DCIS (ribbon clip).\n"
    "2. TECHNIQUE: Prone stereotactic table, scout/stereo pair.\n"
    "3. LESION A 9:00: SCOUT reflector deployed at coil clip.\n"
    "4. LESION B 1:00: SCOUT reflector deployed at ribbon clip.\n"
    "5. IMPRESSION: Stereotactic SCOUT localization right breast x2.\n\n"
    "AMENDED 09/29/2025 13:40: {said}\n"
)


def test_an_amendment_disregarding_the_numbered_items_withdraws_the_report():
    said = (
        "This report was pre-populated from the order in error. The patient left before "
        "consent. Please disregard items 2-5."
    )
    assert locaudit.assess(PREPOPULATED.format(said=said)).verdict == "not_applicable"


def test_an_amendment_that_adds_a_detail_keeps_the_report():
    said = "Both reflectors were confirmed with the SCOUT console."
    assert locaudit.assess(PREPOPULATED.format(said=said)).verdict == "supported"


ONE_AMENDED = (
    "Procedure: Prone stereotactic table. Lesion 1: anterior calcifications at right 10:00 "
    "targeted with stereo pair; hookwire deployed. Lesion 2: posterior calcifications at right "
    "11:00 targeted with stereo pair; second hookwire deployed.\n"
    "Impression: Stereotactic wire localization of 2 right breast lesions.\n\n"
    "ATTENDING ADDENDUM: Correction. This was a single lesion, one 4.5 cm segment of DCIS "
    "(coil clip). The "
    "two wires bracket its extent. {quoted}\n"
)


def test_an_amendment_quoting_the_count_it_corrects_still_makes_one_lesion():
    quoted = 'The words "2 right breast lesions" above should read "one bracketed lesion".'
    assert locaudit.assess(ONE_AMENDED.format(quoted=quoted)).verdict == "not_supported"


def test_the_report_without_the_amendment_is_two_lesions():
    report = ONE_AMENDED.split("ATTENDING ADDENDUM")[0]
    assert locaudit.assess(report).verdict == "supported"


PAIR = (
    "PROCEDURE: Prone stereotactic table, left breast.\n"
    "Upper outer quadrant DCIS: the anterior cylinder clip was targeted with a stereo pair and a "
    "9 cm hookwire deployed. The breast was recompressed, the posterior ribbon clip targeted in "
    "the same manner, and a second 9 cm hookwire deployed at the ribbon clip. {said}\n"
    "7 o'clock ADH: a separate lesion 7 cm away. The coil clip was targeted on a stereo pair and "
    "a third 9 cm hookwire deployed.\n"
)


def test_these_two_wires_bracket_one_lesion_joins_the_two_placed_just_before(facts_of):
    lesions = facts_of(PAIR.format(said="These two wires bracket the same lesion.")).lesions
    assert len(lesions) == 2
    assert locaudit.assess(
        PAIR.format(said="These two wires bracket the same lesion.")
    ).verdict == ("supported")


def test_two_wires_not_said_to_bracket_stay_two_lesions(facts_of):
    lesions = facts_of(PAIR.format(said="The two wires are 4 cm apart.")).lesions
    assert len(lesions) == 3


def test_a_hookwire_needle_withdrawn_before_deployment_places_no_wire(facts_of):
    text = (
        "PROCEDURE: Prone stereotactic table.\n"
        "10:00: scout/stereo pair, SCOUT reflector deployed at the coil clip.\n"
        "3:00: scout/stereo pair, {what}.\n"
    )
    withdrawn = (
        "20 g hookwire needle advanced; the stereo pair showed it too deep. Needle withdrawn"
    )
    assert [les.clock for les in facts_of(text.format(what=withdrawn)).lesions] == [10.0]
    placed = "20 g hookwire needle advanced and the hookwire deployed at the ribbon clip"
    assert [les.clock for les in facts_of(text.format(what=placed)).lesions] == [10.0, 3.0]


def test_a_localization_the_surgeon_offered_is_no_placement():
    text = (
        "Stereo I-125 seed loc L breast.\n"
        "Ind: L 1:00 IDC (bx 3/4). Also L 5:00 ALH (bx 3/4) - surgeon {what} loc/excision.\n"
        "Prone stereo.\n"
        "1) L 1:00, 6 cm FN, coil clip. Seed deployed (0.201 mCi).\n"
        "2) L 5:00 - pt declined after discussion; wishes surveillance. Not localized.\n"
    )
    assert locaudit.assess(text.format(what="offered")).verdict == "not_supported"
    assert len(locaudit.assess(text.format(what="offered")).lesions) == 1


def test_an_addendum_putting_a_clock_face_s_side_in_question_leaves_it_open():
    text = (
        "PROCEDURE: Prone stereotactic table. Right 9:00: scout and stereo pair, I-125 seed "
        "deployed at the ribbon clip. Patient repositioned; left 3:00: scout and stereo pair, "
        "seed deployed at the coil clip.\n"
        "IMPRESSION: Stereotactic seed localization of right 9:00 IDC and left 3:00 ADH.\n\n"
        "ADDENDUM: {said}\n"
    )
    doubt = "The laterality of the 3:00 ADH site stated above is in question."
    record = locaudit.assess(text.format(said=doubt))
    assert [les.laterality for les in record.lesions] == ["right", None]
    settled = "The 3:00 ADH site was reviewed with the technologist: left breast, as stated."
    assert locaudit.assess(text.format(said=settled)).verdict == "supported"


def test_a_quadrant_holding_the_clock_face_said_is_the_same_place(facts_of):
    text = (
        "Stereotactic LOCalizer RFID tag placement, L breast, 2 lesions.\n"
        "Prone stereo.\n"
        "(1) L 3:00, 5 cm FN, post depth. Tag deployed at cylinder clip.\n"
        "(2) L 11:00, 7 cm FN, mid depth - separate lesion, {quadrant}. Tag deployed 3 mm from "
        "ribbon clip.\n"
    )
    lesions = facts_of(text.format(quadrant="UIQ")).lesions
    assert sorted(les.clock for les in lesions) == [3.0, 11.0]


def test_a_time_out_complete_is_not_the_procedure_s_end():
    text = (
        "--- Technologist log ---\n"
        "09:02 Pt in room\n09:08 {what}\n09:19 Site 1 stereo pair\n09:24 Seed 1 deployed\n"
        "09:36 Site 2 stereo pair\n09:41 Seed 2 deployed\n\n"
        "--- Radiologist report ---\n"
        "FINDINGS: Prone stereotactic table. Left 10:00: scout and stereo images, I-125 seed "
        "deployed at the ribbon clip. Left 7:00, a separate lesion: scout and stereo images, I-125 "
        "seed deployed at the coil clip.\n"
    )
    assert locaudit.assess(text.format(what="Time-out complete")).verdict == "supported"
    ended = locaudit.assess(text.format(what="Procedure complete"))
    assert ended.same_session is None


ITEMS = (
    "Wire loc L breast x2.\n"
    "Ind: L 1:00 calcs, DCIS (ribbon). L 4:00 8 mm mass, IDC (coil). Separate sites.\n\n"
    "1) L 1:00, 6 cm FN. Upright stereo, stereo pair. Wire through ribbon clip.\n"
    "2) L 4:00, 5 cm FN. {second}Wire placed at mass/coil clip.\n"
    "Post CC/ML: both wires at targets.\n"
)


def test_guidance_said_in_one_numbered_item_is_that_item_s():
    record = locaudit.assess(ITEMS.format(second=""))
    assert [les.guidance for les in record.lesions] == ["stereotactic", None]
    assert record.verdict == "needs_review"


def test_guidance_said_in_each_numbered_item_is_each_one_s():
    record = locaudit.assess(ITEMS.format(second="New stereo pair. "))
    assert record.verdict == "supported"


def test_guidance_said_before_the_items_is_every_item_s():
    text = ITEMS.format(second="").replace(
        "Separate sites.\n", "Separate sites.\nProne stereo, stereo pair each.\n"
    )
    text = text.replace(" Upright stereo, stereo pair.", "")
    assert locaudit.assess(text).verdict == "supported"


BREAK = (
    "Site 1, left 2:00: upright stereotactic unit, stereo pair, 20 g hookwire at the ribbon clip.\n"
    "{between}\n"
    "Site 2, left 10:00, a separate lesion: new scout and stereo pair, coil clip targeted, second "
    "20 g hookwire placed at the clip.\n"
)


def test_a_patient_taken_to_the_emergency_department_between_sites_leaves_the_sitting_open():
    between = (
        "She became faint and was taken by wheelchair to the emergency department for an ECG "
        "(normal). She was brought back 70 minutes later."
    )
    record = locaudit.assess(BREAK.format(between=between))
    assert record.same_session is None
    assert record.verdict == "needs_review"


def test_a_log_s_patient_back_on_the_table_leaves_the_sitting_open():
    between = "0801 table fault, pt off table. 1305 pt back on table."
    assert locaudit.assess(BREAK.format(between=between)).same_session is None


def test_a_pause_on_the_table_keeps_the_sitting():
    between = "She rested on the table for two minutes; the breast stayed in the aperture."
    assert locaudit.assess(BREAK.format(between=between)).verdict == "supported"


SEEDS = (
    "IMPRESSION: Stereotactic seed localization, right breast, two separate lesions: 9:00 (coil "
    "clip) and 12:00 (ribbon clip).\n"
    "Details: upright stereotactic unit; stereo pair on each clip; one {seed} deployed at each "
    "clip during this visit. Post CC/ML: 9:00 seed 2 mm from the coil clip, 12:00 seed at the "
    "ribbon clip.\n"
)


def test_a_seed_whose_kind_the_note_never_says_names_no_device():
    record = locaudit.assess(SEEDS.format(seed="localization seed"))
    assert [les.devices for les in record.lesions] == [[], []]
    assert record.verdict == "needs_review"


def test_a_seed_with_its_activity_is_radioactive():
    record = locaudit.assess(SEEDS.format(seed="localization seed (0.2 mCi)"))
    assert [les.devices for les in record.lesions] == [["radioactive_seed"]] * 2
