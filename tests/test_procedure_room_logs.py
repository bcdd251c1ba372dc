"""Procedure-room records (technologist logs, implant forms, co-signed worksheets): a device
that heads its log line, places said without a clock face, devices after their places, and
lesion lines named by a bare letter. Each mechanism with a near miss."""

from __future__ import annotations

import locaudit
from locaudit.nlp.extensions import CONCEPTS_KEY

IMPLANT_FORM = (
    "I-125 SEED IMPLANT RECORD\n"
    "Seeds received from NM: 2    Lot: IA-7734\n"
    "Seed 1 - LT breast 1:00, upright stereotactic, depth 42 mm, target = bx clip (ribbon) - "
    "implanted 0917 - verified post CC/ML\n"
    "Seed 2 - LT breast 4:00, upright stereotactic, separate lesion (bx clip, coil) - "
    "implanted 0930 - verified post CC/ML\n"
)


def test_a_device_heading_its_log_line_is_what_the_line_placed(facts_of):
    facts = facts_of(IMPLANT_FORM)
    assert sorted(les.clock for les in facts.lesions) == [1.0, 4.0]
    assert locaudit.assess(IMPLANT_FORM).verdict == "supported"


def test_a_device_inside_a_long_line_still_needs_its_act_close_by(facts_of):
    facts = facts_of(
        "Indication: LT breast 1:00 calcifications, target = bx clip (ribbon), a SCOUT "
        "reflector is requested by the surgeon for the OR on Friday - implanted 0917 per log."
    )
    assert not facts.lesions


def test_a_quadrant_without_a_clock_face_is_a_place_of_its_own(facts_of):
    facts = facts_of(
        "Tech: RT stereo wire loc x2 - site 1 RT axillary tail (calcs, bx DCIS), site 2 RT "
        "10:00 mid (clip, IDC). Prone. 2 wires 20G 9cm. Post CC/ML ok.\n"
        "Rad: Agree. Stereotactic wire localization x2 right breast: axillary tail and 10:00, "
        "separate lesions."
    )
    assert sorted((les.quadrant or "", les.clock or 0) for les in facts.lesions) == [
        ("", 10.0),
        ("axtail", 0),
    ]


def test_a_quadrant_said_with_its_clock_face_is_one_place(facts_of):
    facts = facts_of(
        "Stereotactic wire localization x2, right breast: two wires bracketing the upper "
        "outer quadrant calcifications at 10 o'clock."
    )
    assert len(facts.lesions) == 1


def test_devices_said_after_their_places_take_those_places(facts_of):
    text = (
        "TECH: RT breast. Prone stereo. 2 sites. SCOUT x2. Console check both ok.\n"
        "RAD: ST LOC RT breast x2 separate lesions - 9:00 coil clip (SCOUT), 11:00 ribbon clip "
        "(SCOUT). Both reflectors at clips on post CC/ML."
    )
    facts = facts_of(text)
    assert sorted(les.clock for les in facts.lesions) == [9.0, 11.0]
    assert locaudit.assess(text).verdict == "supported"


def test_a_device_after_its_place_takes_the_side_said_there(facts_of):
    facts = facts_of(
        "IMPRESSION: Stereotactic localization of three separate lesions in one session: "
        "right 10 o'clock (wire), right 8 o'clock (wire) and left 2 o'clock (Magseed)."
    )
    got = sorted((les.clock, les.laterality, tuple(les.devices)) for les in facts.lesions)
    assert got == [
        (2.0, "left", ("magnetic_seed",)),
        (8.0, "right", ("wire",)),
        (10.0, "right", ("wire",)),
    ]


LETTER_LINES = (
    "Stereo Rm / Tech Log    08/27/2025\n"
    "Dx: LT multifocal IDC; surgeon requests wire for A, Magseed for B.\n"
    "A: LT 3:00 mid - prone stereo, 20G 7cm wire. 0812.\n"
    "B: LT 4:30 post, 3 cm from A, separate (bx 8/5, IDC) - prone stereo, Magseed lot "
    "MS-C0419. 0823.\n"
    "MG LT CC/ML after.\n"
    "Rad co-sign: Agree w/ above; 2 separate LT lesions localized stereotactically."
)


def test_lines_named_by_a_bare_letter_and_a_side_are_the_procedure(facts_of):
    facts = facts_of(LETTER_LINES)
    assert sorted(les.clock for les in facts.lesions) == [3.0, 4.5]


def test_a_bare_letter_without_a_side_opens_no_procedure(nlp):
    doc = nlp("Dx: LT IDC.\nA: see above; wire requested for the 3:00 site.\n")
    assert [name for _s, _e, name in doc._.locaudit_sections if name == "procedure"] == []


def test_a_clip_marked_mass_is_a_target_not_a_clip_placed(facts_of):
    facts = facts_of(
        "Radiologist note: Stereotactic RSL RT breast x2. Seed 1 RT 10:00 calcs (DCIS); seed 2 "
        "RT 2:00, separate clip-marked mass (IDC). Both within 3 mm of target on post CC/ML."
    )
    assert all(les.devices == ["radioactive_seed"] for les in facts.lesions)
    assert len(facts.lesions) == 2


SUPPLY_THEN_REPORT = (
    "SUPPLY LOG    DOS 03/12/2025    Pt: Kirkland, Odessa    MRN 660-2291    Rm: Stereo 2\n"
    "SCOUT reflector x2 (SN 4410-221, 4410-236) - used\n"
    "Lidocaine 1% 10 mL - used\n\n"
    "REPORT: STEREOTACTIC LOCALIZATION, RIGHT BREAST.\n"
    "Lesion 1: RT 8:00, coil clip. SCOUT reflector placed, at clip on post images.\n"
    "Lesion 2: RT 12:00, separate group of calcifications, localized.\n"
)


def test_a_supply_log_banner_line_opens_the_log_and_names_no_device(nlp, facts_of):
    names = [name for _s, _e, name in nlp(SUPPLY_THEN_REPORT)._.locaudit_sections]
    assert names[0] == "ancillary"  # beside the report, the log documents nothing
    facts = facts_of(SUPPLY_THEN_REPORT)
    assert [les.devices for les in facts.lesions] == [["radar_reflector"], []]
    assert locaudit.assess(SUPPLY_THEN_REPORT).verdict == "needs_review"


COMBINED = (
    "PROCEDURES (same session, prone stereotactic table):\n"
    "A. Stereotactic wire localization, right breast, two lesions\n"
    "B. Stereotactic vacuum-assisted biopsy, left breast, with clip placement\n\n"
    "A. RIGHT BREAST. 10:00, middle depth: stereo pair on the ribbon clip; 7 cm wire deployed. "
    "2:00, posterior depth, a separate lesion marked by the coil clip: stereo pair; second "
    "wire (9 cm), tip at the clip.\n\n"
    "B. LEFT BREAST 6:00 calcifications: stereo pair targeting; 9-gauge vacuum-assisted "
    "device, 12 cores,\n"
    "specimen radiograph shows calcifications in 5 cores. A HydroMARK clip was deployed at "
    "the biopsy site.\n"
)


def test_items_listed_under_a_procedures_field_name_procedures(facts_of):
    facts = facts_of(COMBINED)
    assert sorted(les.clock for les in facts.lesions) == [2.0, 6.0, 10.0]
    assert locaudit.assess(COMBINED).verdict == "supported"


def test_a_specimen_radiograph_line_of_the_procedure_is_no_surgical_report(nlp):
    names = {name for _s, _e, name in nlp(COMBINED)._.locaudit_sections}
    assert "surgical" not in names
    heading = nlp("SPECIMEN RADIOGRAPH, LEFT BREAST\nTwo wires and the clip are in the specimen.")
    assert heading._.locaudit_sections[0][2] == "surgical"


VISTA_HEADER = (
    "                         *** RADIOLOGY REPORT ***\n"
    "Case No. : 032525-1640                  Exm Date: MAR 25, 2025@11:05\n"
    "Req Phys : THORSDOTTIR,ANNIKA           Pat Loc: MAMMOGRAPHY\n"
    "                                        Img Loc: MAMMOGRAPHY\n\n"
    " (Case 1640 COMPLETE) {title}\n\n"
    "Report:\n"
    "  Left CC and ML views following the stereotactic localization. Two Magseeds in the left\n"
    "  breast: one at the 1:00 coil clip, one at the 4:00 ribbon clip. No hematoma.\n"
)


def test_a_vista_post_procedure_mammogram_places_nothing():
    text = VISTA_HEADER.format(title="MAMMOGRAM DIAGNOSTIC UNILATERAL (POST PROC) CPT:77065")
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_patient_location_field_is_no_localization(nlp):
    doc = nlp("Req Phys : THORSDOTTIR,ANNIKA   Pat Loc: MAMMOGRAPHY   Img Loc: MAMMOGRAPHY")
    assert not [sp for sp in doc.spans[CONCEPTS_KEY] if sp.label_ == "PLACE"]
    near_miss = nlp("Stereo LOC x2, left breast.")
    assert [sp.label_ for sp in near_miss.spans[CONCEPTS_KEY]].count("PLACE") == 1


def test_an_outside_films_review_documents_no_placement():
    text = (
        " (Case 1489 COMPLETE) OUTSIDE FILMS - CONSULTATION/SECOND OPINION\n\n"
        "Report:\n  Outside images imported: stereotactic localization images show two SCOUT "
        "reflectors placed in the right breast at 10:00 and 12:00.\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_skin_bb_marker_is_no_device(facts_of):
    facts = facts_of(
        "Bilateral diagnostic mammogram. A skin BB marker was placed over the palpable area, "
        "left subareolar. No mass."
    )
    assert not facts.lesions


def test_a_patient_released_to_the_cafeteria_between_sites_leaves_the_session_open():
    text = (
        "Procedure: Stereotactic SCOUT localization, left breast, two sites.\n"
        "Site 1, left 1:00: prone stereotactic table, stereo pair, SCOUT reflector deployed at "
        "the ribbon clip. The patient felt lightheaded and was released to the cafeteria with "
        "her husband. Site 2, left 4:00: stereo pair, SCOUT reflector deployed at the coil "
        "clip.\n"
    )
    record = locaudit.assess(text)
    assert record.verdict == "needs_review" and record.same_session is None


def test_a_procedure_heading_alone_on_its_line_ends_the_plan_above(facts_of):
    text = (
        "Hx: multicentric left breast disease, three clipped sites.\n"
        "Plan per tumor board: wide excision of the UOQ sites and separate excision at 7:00.\n\n"
        "Procedure\n"
        " - Site 1 (L 1:30, X-clip): superior approach, stereo pair, 9 cm hookwire.\n"
        " - Site 2 (L 7:00, coil clip): medial approach, stereo pair, 7 cm hookwire.\n"
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [1.5, 7.0]


def test_a_sentence_that_starts_with_procedure_is_no_heading(nlp):
    doc = nlp("Plan per tumor board: excision.\nProcedure will be scheduled next week.\n")
    assert "procedure" not in {name for _s, _e, name in doc._.locaudit_sections}


def test_a_hot_lab_seed_receipt_log_places_nothing():
    text = (
        "I-125 SEED RECEIPT & ASSAY - Nuclear Medicine Hot Lab\n"
        "Rec'd 02/11/2025 1015    Vendor lot 25-0207-A    Qty 10\n"
        "Assigned: 2 seeds -> KESSLER, J (stereo RSL LT x2, 02/13)    3 seeds -> ABARA, T "
        "(stereo RSL RT x3, 02/14)    5 stock\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_patient_taken_to_the_restroom_between_sites_leaves_the_session_open():
    text = (
        "TIMED LOG - Stereo Rm A\n"
        "0731 TO - RT SCOUT x2\n"
        "0738 RT 10:00 (calcs) SCOUT #1 deployed\n"
        "0744 pt off table - nausea, to restroom with RN\n"
        "0821 RT 7:00 (clip, separate mass) SCOUT #2 deployed\n"
        "Rad: Stereotactic SCOUT localization RT 10:00 and RT 7:00, two separate lesions.\n"
    )
    assert locaudit.assess(text).verdict == "needs_review"


def test_a_probe_passed_over_the_breast_and_ink_on_the_skin_place_nothing(facts_of):
    facts = facts_of(
        "Sentimag pre-incision check. Today the Sentimag probe was passed over the left breast "
        "in the supine position: both seeds detected, counts 1,150 (1:00) and 980 (5:00). Skin "
        "over each seed marked with surgical pen at the surgeon's request."
    )
    assert not facts.lesions


def test_a_surgeons_request_is_a_plan_and_post_cc_ml_a_restatement(facts_of):
    text = (
        "STEREOTACTIC VACUUM BIOPSY LEFT 3:00 WITH CLIP; STEREOTACTIC MAGSEED LOCALIZATION LEFT "
        "11:00\n\n"
        "The surgeon requests biopsy of the 3:00 calcifications today and a Magseed at the "
        "11:00 cancer.\n\n"
        "Prone stereotactic table.\n"
        "1) Left 3:00: stereo pair, 9G vacuum biopsy, 12 cores. Coil clip deployed at the "
        "biopsy site.\n"
        "2) Left 11:00: stereo pair, ribbon clip targeted, Magseed deployed at the clip.\n"
        "Post CC/ML: coil clip at the 3:00 biopsy site, Magseed 1 mm from the ribbon clip at "
        "11:00.\n"
    )
    record = locaudit.assess(text)
    assert record.verdict == "not_supported"
    assert "BIOPSY_MARKER_NOT_LOCALIZATION" in {f.code for f in record.findings}


def test_a_request_names_no_placement(facts_of):
    facts = facts_of(
        "Prone stereotactic table. The surgeon requests biopsy of the 3:00 calcifications "
        "today and a Magseed at the 11:00 cancer."
    )
    assert not facts.lesions


def test_a_post_cc_ml_line_restates_and_places_nothing_new(facts_of):
    facts = facts_of(
        "Left 11:00: stereo pair, ribbon clip targeted, Magseed deployed at the clip.\n"
        "Post CC/ML: Magseed 1 mm from the ribbon clip, and the coil clip at the 3:00 biopsy "
        "site.\n"
    )
    assert [les.clock for les in facts.lesions] == [11.0]


TAG_BLOCKS = (
    "EXAM: MG STEREO RFID TAG LOC, ADDL LESION\n\n"
    "Indication: IDC right breast 9:00 (ribbon clip). Second site 7:00 (coil clip).\n\n"
    "TAG 1\n Side: Right\n Location: 9:00, 6 cm FN\n Guidance: stereotactic, prone, stereo pair\n"
    " Device: LOCalizer tag\n\n"
    "TAG 2\n Side: {side}\n Location: 7:00, 4 cm FN\n Guidance: stereotactic, prone, stereo "
    "pair\n Device: LOCalizer tag\n\n"
    "IMPRESSION: Stereotactic LOCalizer tag localization, two sites.\n"
)


def test_a_blank_side_field_leaves_that_lesion_without_a_side():
    record = locaudit.assess(TAG_BLOCKS.format(side="___"))
    assert record.verdict == "needs_review"
    assert "MISSING_LATERALITY" in {f.code for f in record.findings}


def test_a_filled_side_field_gives_that_lesion_its_side():
    assert locaudit.assess(TAG_BLOCKS.format(side="Right")).verdict == "supported"
