"""Long reports that argue what was localized (a bracket or two lesions, which clip is which),
list their targets before the procedure, or say headings and moves in prose: the eighth
session's mechanisms, each with a near miss."""

from __future__ import annotations

import pytest

import locaudit
from locaudit.nlp.extensions import CONCEPTS_KEY

TWO_WIRES_AFTER = (
    "Stereotactic needle localization, left breast, 2 lesions.\n"
    "Targets: lesion 1 with X-shaped clip; lesion 2 with coil clip. Prone stereotactic table, "
    "stereo pair for each.\n"
    "08:41 Lesion 1: 9 cm wire deployed; stereo confirms hook deep to the clip.\n"
    "09:03 Lesion 2: 7 cm wire deployed; stereo confirms tip at the coil clip.\n"
    "Post-localization mammogram: wire 1 through the X clip at 1:00 and wire 2 through the "
    "coil clip at 5:00.\n"
    "Impression: both left breast lesions localized with wires in a single session."
)


def test_each_device_takes_the_clock_face_said_after_it(facts_of):
    facts = facts_of(TWO_WIRES_AFTER)
    assert [(les.label, les.clock) for les in facts.lesions] == [(1, 1.0), (2, 5.0)]
    assert locaudit.assess(TWO_WIRES_AFTER).verdict == "supported"


def test_devices_named_after_their_clock_faces_keep_the_nearest(facts_of):
    facts = facts_of(
        "Stereotactic wire localization, left breast. Prone table, stereo pairs.\n"
        "A wire was placed at 1:00 at the X clip and a second wire at 5:00 at the coil clip.\n"
        "Impression: two separate left breast lesions localized, same session."
    )
    assert sorted(les.clock for les in facts.lesions) == [1.0, 5.0]


def test_right_as_an_adverb_is_no_side(facts_of):
    facts = facts_of(
        "Localization of two left breast lesions. I placed both devices on the prone "
        "stereotactic table, one right after the other. The 2 o'clock ribbon clip was "
        "targeted with a stereo pair and an I-125 seed deployed. I then took a new stereo pair "
        "of the 9 o'clock coil clip and placed a hookwire.\n"
        "IMPRESSION: Stereotactic localization, left breast, two separate lesions, one session."
    )
    assert [les.laterality for les in facts.lesions] == ["left", "left"]


BLOCK_FIELDS = (
    "EXAM: STEREOTACTIC MAGNETIC SEED LOCALIZATION - MULTIPLE LESIONS\n\n"
    "LESION 1\n  Side: Right\n  Location: 10:00, 6 cm FN\n  Target: heart clip\n"
    "  Guidance: stereotactic, prone, stereo pair\n  Device: Magseed\n"
    "LESION 2\n  Side: {side}\n  Location: 6:00, 4 cm FN\n  Target: ribbon clip\n"
    "  Guidance: stereotactic, prone, stereo pair\n  Device: Magseed\n\n"
    "COMMENT: separately biopsied lesions, not a bracket. Each localized with one seed today."
)


def test_key_value_fields_of_lesion_blocks_are_no_flattened_table(nlp, facts_of):
    names = [name for _, _, name in nlp(BLOCK_FIELDS.format(side="Right"))._.locaudit_sections]
    assert "procedure" not in names[:2]  # no table header found inside LESION 1's fields
    facts = facts_of(BLOCK_FIELDS.format(side="Right"))
    assert [(les.label, les.clock) for les in facts.lesions] == [(1, 10.0), (2, 6.0)]
    assert locaudit.assess(BLOCK_FIELDS.format(side="Right")).verdict == "supported"
    # an unresolved pick list for lesion 2's side documents no side
    assert locaudit.assess(BLOCK_FIELDS.format(side="{Right/Left}")).verdict == "needs_review"


def test_a_flattened_table_header_one_cell_per_line_still_opens_the_body(nlp):
    text = "Findings\nSite\nSide\nClock\nDevice\n1\nL\n2:00\nMagseed\n2\nL\n9:00\nMagseed\n"
    names = [name for _, _, name in nlp(text)._.locaudit_sections]
    assert "procedure" in names


SEPARATE_THEN_BRACKET = (
    "STEREOTACTIC WIRE LOCALIZATION RIGHT BREAST x2\n"
    "History: ribbon clip at 10:00 (DCIS intermediate grade); heart clip at 11:00 (DCIS high "
    "grade), 3 cm apart.\n"
    "Findings: the different grades argue for two separate lesions.\n"
    "Procedure: prone stereotactic table. Stereo pair on the ribbon clip, hookwire deployed. "
    "Stereo pair on the heart clip, second hookwire deployed.\n"
    "Impression: Right breast 10-11:00 DCIS {summary} with two stereotactic wires."
)


def test_an_impression_calling_two_separate_lesions_a_bracket_is_asked_about():
    record = locaudit.assess(SEPARATE_THEN_BRACKET.format(summary="bracketed"))
    assert record.verdict == "needs_review"
    assert "SEPARATENESS_UNCLEAR" in {f.code for f in record.findings}
    assert locaudit.assess(SEPARATE_THEN_BRACKET.format(summary="localized")).verdict == (
        "supported"
    )


def test_a_bracket_said_in_the_body_and_impression_is_no_contradiction():
    text = (
        "Stereotactic I-125 seed localization, left breast (3 seeds, 2 lesions).\n"
        "FINDINGS:\n- 10:00 segment: seed at the anterior extent and a second seed at the "
        "posterior extent, bracketing the segment.\n"
        "- 7:00 focus, separate from the 10:00 segment: third seed deployed at the X-clip.\n"
        "IMPRESSION:\n1. Bracketing seed localization of the 10:00 segment.\n"
        "2. Seed localization of the separate 7:00 lesion. Prone stereotactic table, one session."
    )
    assert "SEPARATENESS_UNCLEAR" not in {f.code for f in locaudit.assess(text).findings}


MOVED = (
    "Two separate left breast lesions: venus clip at 2:00, coil clip at 10:00.\n"
    "Lesion 1: prone stereotactic table, stereo pair on the venus clip, hookwire deployed.\n"
    "Lesion 2: the coil clip was too close to the chest wall for the prone table. {move}, and "
    "the second wire was placed at the coil clip from a medial approach.\n"
    "Impression: wire localization of two separate left breast lesions."
)


def test_a_move_to_another_unit_leaves_the_first_lesions_guidance_behind(facts_of):
    facts = facts_of(MOVED.format(move="The patient was moved to the upright unit in Room 4"))
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]
    assert locaudit.assess(
        MOVED.format(move="The patient was moved to the upright unit in Room 4")
    ).verdict == ("needs_review")


def test_a_method_the_target_was_too_close_for_is_not_its_guidance(facts_of):
    facts = facts_of(MOVED.format(move="She was repositioned with a medial approach"))
    # 'too close to the chest wall for the prone table' names no method used, and what lesion
    # 1's paragraph said is lesion 1's: lesion 2's guidance is not documented
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]


IMPRESSION_FIRST = (
    "Right breast stereotactic wire localization, two lesions\n\n"
    "Impression first, for the OR: two wires, two lesions, right breast. Wire 1 is at the 9:00 "
    "carcinoma (heart clip), wire 2 at the 12:00 radial scar (ribbon clip).\n\n"
    "Background. Two separate stereotactic biopsies last month; a heart clip at 9:00 and a "
    "ribbon clip at 12:00. If I wire the heart clip the surgeon will be 1 cm off.\n\n"
    "{heading} Consent and time-out. Prone stereotactic table. Lesion 1, right 9:00: stereo "
    "pair on the calcifications; hookwire deployed. Lesion 2, right 12:00: new stereo pair on "
    "the ribbon clip; second hookwire deployed. Both placed in this one sitting."
)


def test_a_heading_closed_by_a_period_opens_the_procedure(nlp):
    doc = nlp(IMPRESSION_FIRST.format(heading="Procedure."))
    names = [name for _, _, name in doc._.locaudit_sections]
    assert names[-1] == "procedure" and "history" in names
    assert locaudit.assess(IMPRESSION_FIRST.format(heading="Procedure.")).verdict == "supported"


def test_a_sentence_that_starts_with_procedure_is_no_heading(nlp):
    doc = nlp("Impression: two wires.\nProcedure was tolerated well. Wires taped.")
    assert [name for _, _, name in doc._.locaudit_sections][-1] == "impression"


ADDENDUM_PLACES = (
    "EXAM: STEREOTACTIC WIRE LOCALIZATION LEFT BREAST\n"
    "FINDINGS/PROCEDURE: Prone stereotactic table. Scout and stereo pairs obtained. Two "
    "hookwires were placed in the left breast. No complications.\n"
    "IMPRESSION: Two wires, left breast.\n\n"
    "ADDENDUM: The two wires do not bracket one lesion. Wire 1 was placed at the heart clip at "
    "left 3:00, 5 cm FN. Wire 2 was placed at the coil clip at left {second}, 7 cm FN. Each "
    "wire through its own stereotactic pair during the same sitting."
)


def test_an_addendum_places_the_body_devices_at_two_lesions(facts_of):
    facts = facts_of(ADDENDUM_PLACES.format(second="11:00"))
    assert sorted(les.clock for les in facts.lesions) == [3.0, 11.0]
    assert locaudit.assess(ADDENDUM_PLACES.format(second="11:00")).verdict == "supported"


def test_an_addendum_place_that_fits_the_lesion_adds_none(facts_of):
    facts = facts_of(ADDENDUM_PLACES.format(second="3:00"))
    assert len([les for les in facts.lesions if les.clock == 11.0]) == 0


TARGETS_LISTED = (
    "EXAM: STEREOTACTIC LOCALIZATION LEFT BREAST: WIRE (SITE 1) AND MARKER CLIP (SITE 2)\n\n"
    "Reason: a cancer biopsied here and a second site biopsied elsewhere without a clip.\n"
    "  Site 1: left 12:00, 6 cm FN. Ribbon clip. IDC.\n"
    "  Site 2: left 4:00, 5 cm FN. Residual calcifications, no marker. ADH.\n"
    "Why two targets: 6.5 cm apart, different pathology; so today Site 2 receives a marker "
    "clip, placed stereotactically, and Site 1 receives a wire.\n\n"
    "Procedure: Consent, time-out. Prone stereotactic table.\n"
    "  Site 1 (left 12:00): stereo pair on the ribbon clip; hookwire deployed.\n"
    "  Site 2 (left 4:00): new stereo pair on the calcifications; a barbell marker clip "
    "deployed into the calcifications. No tissue was sampled.\n\n"
    "Impression: Two separate left breast lesions localized under stereotactic guidance in one "
    "session: Site 1 with a hookwire, Site 2 with a marker clip."
)


def test_site_lines_under_the_reason_list_targets_not_the_procedure(nlp, facts_of):
    doc = nlp(TARGETS_LISTED)
    history = [(s, e) for s, e, name in doc._.locaudit_sections if name == "history"]
    assert any(TARGETS_LISTED[s:e].lstrip().startswith("Site 2: left 4:00") for s, e in history)
    facts = facts_of(TARGETS_LISTED)
    assert [(les.label, les.clock) for les in facts.lesions] == [(1, 0.0), (2, 4.0)]


def test_site_lines_with_no_procedure_heading_after_them_are_the_procedure(nlp):
    text = "Reason: two sites.\nSite 1: left 12:00, wire deployed.\nSite 2: left 4:00, wire."
    names = [name for _, _, name in nlp(text)._.locaudit_sections]
    assert names[-1] == "procedure"


def test_the_lesion_found_without_its_label_is_the_label_left_over(facts_of):
    text = (
        "EXAM: STEREOTACTIC RADIOACTIVE SEED LOCALIZATION x2\n"
        "INDICATION: two malignancies.\n"
        "  Lesion 1: right breast 9:00, 6 cm FN, ribbon clip.\n"
        "  Lesion 2: 12:00, 10 cm FN, X-shaped clip.\n"
        "PROCEDURE: Prone stereotactic table. For each lesion a stereo pair was obtained. An "
        "I-125 seed was deployed.\n"
        "IMPRESSION: Stereotactic I-125 seed localization of two lesions.\n\n"
        "Attending addendum: The second lesion (12:00, X-shaped clip) is also in the RIGHT "
        "breast. Both seeds were placed during this single session."
    )
    facts = facts_of(text)
    assert sorted((les.label, les.clock, les.laterality) for les in facts.lesions) == [
        (1, 9.0, "right"),
        (2, 0.0, "right"),  # (12 o'clock is 0.0)
    ]


def test_a_free_text_field_label_negates_nothing(nlp):
    doc = nlp("Site 2 (right 6:00): free text - stereo pair on the coil clip, hookwire deployed.")
    statuses = {
        span.text: getattr(ctx, "status", ctx)
        for span, ctx in zip(doc.spans[CONCEPTS_KEY], doc._.locaudit_context)
    }
    assert statuses["right"] == statuses["6:00"] == "affirmed"
    negated = nlp("Site 2 (right 6:00): free of calcifications.")
    assert "negated" in [getattr(c, "status", c) for c in negated._.locaudit_context]


def test_a_clip_placed_at_that_biopsy_is_history(facts_of):
    text = (
        "Lesion 1: right 10:00 - ribbon clip, stereotactic biopsy last month.\n"
        "Lesion 2: right 1:00 - distortion biopsied under tomosynthesis. The heart clip placed "
        "at that biopsy migrated 1.5 cm, so the distortion itself is targeted.\n"
        "Lesion 1: prone stereotactic table, stereo pair, hookwire deployed at the clip.\n"
        "Lesion 2: upright tomosynthesis unit, targeted on slice 31, hookwire deployed."
    )
    facts = facts_of(text)
    assert [(les.devices, les.purpose) for les in facts.lesions] == [
        (["wire"], "localization"),
        (["wire"], "localization"),
    ]


TWO_FOCI = (
    "Two clips along the left 12:00 radius, a coil clip 3 cm and a venus clip 6 cm from the "
    "nipple. {doubt}A reflector was placed at each clip so that the surgeon has both ends "
    "covered.\nProne, superior approach: stereo pair on the coil clip and a SCOUT reflector "
    "deployed; a second stereo pair on the venus clip and a second reflector deployed.\n"
    "Impression: two SCOUT reflectors, left 12:00, placed stereotactically."
)


def test_a_stated_doubt_of_two_foci_or_one_is_not_settled_by_both_ends():
    doubt = "Whether this is two foci or one tumour I cannot say with confidence. "
    record = locaudit.assess(TWO_FOCI.format(doubt=doubt))
    assert record.verdict == "needs_review"
    assert "SEPARATENESS_UNCLEAR" in {f.code for f in record.findings}
    assert locaudit.assess(TWO_FOCI.format(doubt="")).verdict == "not_supported"  # a bracket


def test_what_the_patient_asked_about_is_no_placement():
    text = (
        "STEREOTACTIC WIRE LOCALIZATION, LEFT BREAST x2 - NOT PERFORMED\n"
        "Scheduled for wires at the 1:00 and 4:00 clips. She asked about seed localization so "
        "that she would not have wires overnight. No needle was inserted. The procedure is "
        "cancelled."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_procedure_fields_second_name_on_its_line_is_no_placement(facts_of):
    text = (
        "UNIVERSITY HOSPITAL - BREAST IMAGING\n"
        "PROCEDURES: Stereotactic seed localization, left breast (2). MRI-guided seed "
        "localization, left breast (1).\n"
        "Stereotactic (prone table), 07:48-08:31.\n"
        "Target A: left 1:00, cylinder clip. An I-125 seed was deposited at the clip.\n"
        "Target B: left 11:00: stereo pair, second I-125 seed deposited.\n"
        "Target C: left 3:00 under MRI, lateral grid: third I-125 seed deposited.\n"
        "IMPRESSION: stereotactic seed localization of two separate left breast lesions; "
        "MRI-guided seed localization left 3:00. One session."
    )
    facts = facts_of(text)
    assert [les.guidance for les in facts.lesions] == ["stereotactic", "stereotactic", "mri"]
    assert locaudit.assess(text).units_19284 == 1


def test_a_method_attempted_and_abandoned_is_not_the_guidance(facts_of):
    text = (
        "Wire localization, left breast x2\n"
        "Site 1, left 9:00, coil clip: prone stereotactic, stereo pair; wire placed at the clip.\n"
        "Site 2, left 1:00, ribbon clip: stereotactic targeting was attempted, but the clip "
        "projected outside the aperture and the stereotactic approach was abandoned. The wire "
        "was subsequently placed 4 mm from the ribbon clip.\n"
        "IMPRESSION: left breast wire localization, two sites."
    )
    assert [les.guidance for les in facts_of(text).lesions] == ["stereotactic", None]


def test_a_second_appointment_leaves_the_session_open():
    text = (
        "Stereotactic Magseed placement, right breast\n"
        "Site 1: right 7:00: stereo pair, Magseed deployed at the coil clip.\n"
        "Site 2: right 11:00, distinct from site 1. Placed at the patient's second appointment, "
        "after her MRI: stereo pair, Magseed at the ribbon clip.\n"
        "Impression: Magseed localization, right 7:00 and 11:00 (stereotactic)."
    )
    record = locaudit.assess(text)
    assert record.verdict == "needs_review" and record.same_session is None


@pytest.mark.parametrize(
    "text",
    [
        # a planning ultrasound: what each lesion would allow
        "TARGETED ULTRASOUND, RIGHT BREAST\nFindings: Right 10:00 mass with its wing clip, "
        "clearly seen - suitable for ultrasound-guided localization. Right 2:00 coil clip not "
        "seen.\nImpression: plan US localization of 10:00 and stereotactic of 2:00 on 11/06.",
        # a cancellation: what was scheduled, and what could be done another day
        "PROCEDURE NOT PERFORMED\nScheduled: MRI-guided wire localization of the left 5:00 "
        "NME, then stereotactic wire localization of the left 10:00 calcifications.\nThe MRI "
        "could not proceed. Surgery was postponed so that all sites can be localized on one "
        "day.",
        # a navigator's call about Friday
        "Pinecrest Women's Imaging - Nurse Navigator Note\nCalled pt to go over Friday's "
        "localizations. Arrive 07:15 at the US suite - ultrasound-guided SCOUT for the R 8:00 "
        "mass, then stereo - SCOUT at the R 12:00 calcifications.",
    ],
)
def test_plans_and_possibilities_place_nothing(text):
    assert locaudit.assess(text).verdict == "not_applicable"


def test_cores_counted_after_a_biopsy_are_no_lesions(facts_of):
    text = (
        "US-GUIDED CORE BIOPSY RIGHT 8:00 + STEREOTACTIC WIRE LOCALIZATION RIGHT 11:00\n"
        "1) Right 8:00: ultrasound-guided 14 g core biopsy x4; HydroMARK clip deployed at the "
        "biopsy site.\n"
        "2) Right 11:00: prone stereotactic table, stereo pair, wire tip 1 mm from the coil clip."
    )
    facts = facts_of(text)
    assert facts.stated_count is None
    assert sorted(les.purpose for les in facts.lesions) == ["biopsy_marker", "localization"]


@pytest.mark.parametrize(
    ("hedge", "asked"),
    [
        ("? 2 separate groups vs 1 continuous segment on mag views.", True),
        ("Two separate groups on mag views, 2.8 cm apart.", False),
    ],
)
def test_two_groups_versus_one_segment_is_asked_about(hedge, asked):
    text = (
        f"Stereo SCOUT x2, R breast\nInd: R 9:00-10:00 calcs, DCIS on bx. {hedge}\n"
        "Proc: prone, stereo pair each. Reflector 1 at 9:00 group, reflector 2 at 10:00 group. "
        "Post CC/ML ok.\nIMP: 2 stereotactic SCOUT reflectors R 9:00 and 10:00."
    )
    record = locaudit.assess(text)
    assert ("SEPARATENESS_UNCLEAR" in {f.code for f in record.findings}) is asked


def test_possibly_one_process_doubts_the_separateness():
    text = (
        "Proc: prone stereo, reflector at the R 9:00 group and a reflector at the R 10:00 "
        "group.\nIMP: 2 stereotactic SCOUT reflectors R 9:00 and 10:00 - possibly one process."
    )
    record = locaudit.assess(text)
    assert record.verdict == "needs_review"
    assert "SEPARATENESS_UNCLEAR" in {f.code for f in record.findings}


IMPRESSION_LIST = (
    "IMPRESSION: Successful stereotactic RSL x2, RIGHT breast.\n"
    "  A) 10:00, 6 cm FN - IDC (barbell clip).\n"
    "  B) 12:00, 4 cm FN - separate DCIS (heart-shaped clip).\n\n"
    "Proc: Consent/TO. Prone stereo, CC approach each site. I-125 seeds via 18g preloaded "
    "needles, {each}. Post CC/ML: as above."
)


def test_seeds_one_per_site_are_one_at_each_place_listed(facts_of):
    facts = facts_of(IMPRESSION_LIST.format(each="one per site"))
    assert len(facts.lesions) == 2
    assert locaudit.assess(IMPRESSION_LIST.format(each="one per site")).verdict == "supported"
    assert len(facts_of(IMPRESSION_LIST.format(each="lot 24-881")).lesions) == 1


@pytest.mark.parametrize(("second", "open_"), [("08:09", True), ("07:30", False)])
def test_a_time_closing_a_devices_clause_after_the_recorded_end(second, open_):
    text = (
        "NEEDLE LOCALIZATION, LEFT BREAST, TWO SITES, STEREOTACTIC\n"
        "PROCEDURE START: 07:02     PROCEDURE END: 07:38\n"
        "PROCEDURE: Prone stereotactic table. Site A, left 10 o'clock: stereo views, 9 cm "
        "hookwire, tip at the ribbon clip, 07:21. Site B, left 1 o'clock: new stereo views, "
        f"second 9 cm hookwire, tip 2 mm past the coil clip, {second}. Wires taped.\n"
        "IMPRESSION: Stereotactic needle localization of two separate sites, left breast."
    )
    assert (locaudit.assess(text).same_session is None) is open_


def test_a_device_placed_earlier_today_elsewhere_stays_a_lesion():
    text = (
        "Exam: STEREOTACTIC SCOUT REFLECTOR LOCALIZATION, LEFT BREAST\n"
        "CLINICAL HISTORY: Left IDC at 4:00 and separate DCIS at 11:00.\n"
        "PROCEDURE: Prone stereotactic table. Left 11:00: stereo pair, SAVI SCOUT reflector "
        "deployed 2 mm from the ribbon clip.\n"
        "IMPRESSION:\n1. Stereotactic SCOUT reflector localization, left 11:00.\n"
        "2. Left 4:00 reflector (placed earlier today at Rossford) in expected position."
    )
    record = locaudit.assess(text)
    assert len(record.lesions) == 2
    assert record.verdict == "needs_review" and record.same_session is None


def test_an_operative_report_title_after_a_dash_places_nothing():
    text = (
        "MAUMEE LAKES REGIONAL MEDICAL CENTER \u2014 OPERATIVE REPORT\n"
        "PROCEDURE: Left partial mastectomy, two sites, wire-localized.\n"
        "INDICATIONS: two lesions localized with stereotactic wires this morning (separate "
        "report).\nDESCRIPTION: An incision was made over the 1:00 wire, which was delivered "
        "into the wound; then over the 3:00 wire."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_keys_of_a_database_export_are_split_at_their_path(nlp, facts_of):
    doc = nlp.make_doc("LESION_1.SIDE: Right lesion2.device=wire U.S. 1.5cm")
    assert [t.text for t in doc] == [
        "LESION_1", ".", "SIDE", ":", "Right", "lesion2", ".", "device", "=", "wire", "U.S.",
        "1.5", "cm",
    ]  # fmt: skip
    text = (
        "INDICATION: Two biopsy-proven sites for lumpectomy.\n---\n"
        "LESION_1.SIDE: Right\nLESION_1.LOCATION: 10:00, 6 cm FN\n"
        "LESION_1.GUIDANCE: stereotactic, prone table, stereo pair\n"
        "LESION_1.DEVICE: hookwire 20G x 7 cm\n"
        "LESION_2.SIDE: Right\nLESION_2.LOCATION: 6:00, 5 cm FN\n"
        "LESION_2.GUIDANCE: stereotactic, prone table, stereo pair\n"
        "LESION_2.DEVICE: hookwire 20G x 5 cm\n"
        "IMPRESSION: Stereotactic wire localization of two separate lesions."
    )
    facts = facts_of(text)
    assert [(les.label, les.laterality, les.clock) for les in facts.lesions] == [
        (1, "right", 10.0),
        (2, "right", 6.0),
    ]


EARLIER_TODAY = (
    "PROCEDURE: Stereotactic SCOUT reflector placement, left breast\n"
    "Indication: Left 1:00 IDC and left 6:00 DCIS. A SCOUT reflector had already been placed at "
    "the left 1:00 site earlier today under stereotactic guidance by Dr. Hale (see his report).\n"
    "{body}"
)


def test_a_device_the_history_says_went_in_earlier_today_stays_a_lesion():
    body = (
        "Left 6:00: prone stereotactic table, stereo pair; SCOUT reflector deployed 2 mm from "
        "the ribbon clip.\nIMPRESSION: Stereotactic SCOUT reflector, left 6:00."
    )
    record = locaudit.assess(EARLIER_TODAY.format(body=body))
    assert len(record.lesions) == 2
    assert record.verdict == "needs_review" and record.same_session is None


def test_a_history_of_earlier_today_alone_places_nothing():
    body = "Specimen radiograph: the reflector and clip are in the specimen."
    assert locaudit.assess(EARLIER_TODAY.format(body=body)).verdict == "not_applicable"


@pytest.mark.parametrize(
    ("device", "kinds", "verdict"),
    [
        ("localizer deployed at clip", [], "needs_review"),  # a device of no documented type
        ("localizer placed via stereo pair, at clip", [], "needs_review"),
        ("LOCalizer tag deployed at clip", ["rfid_tag"], "supported"),  # the brand
    ],
)
def test_a_device_called_only_localizer_is_unnamed(facts_of, device, kinds, verdict):
    text = (
        "Stereo loc L breast x2. Prone, stereo pair each site.\n"
        "Site 1: L 3:00 coil clip (IDC) -- Magseed deployed, 2 mm from clip.\n"
        f"Site 2: L 11:00 ribbon clip (separate DCIS) -- {device}, on target on post films."
    )
    facts = facts_of(text)
    assert [les.devices for les in facts.lesions] == [["magnetic_seed"], kinds]
    assert locaudit.assess(text).verdict == verdict


def test_a_hyphenated_clip_shape_is_a_clip(nlp):
    doc = nlp("Hookwire placed at the top-hat clip.")
    assert [(s.text, s.label_) for s in doc.spans[CONCEPTS_KEY] if s.label_ == "DEVICE"][-1] == (
        "top-hat clip",
        "DEVICE",
    )


SESSIONS = (
    "STEREOTACTIC WIRE LOCALIZATION, RIGHT BREAST, 2 LESIONS\n"
    "Right 9:00 IDC (ribbon clip): prone stereotactic table, stereo pair, hookwire placed. "
    "{between}Right 11:00 DCIS (coil clip): stereo pair, second hookwire placed.\n"
    "IMPRESSION: Right breast stereotactic wire localization x2 (9:00, 11:00)."
)


@pytest.mark.parametrize(
    ("between", "open_"),
    [
        ("The patient asked to step out to take a call and returned. ", True),
        ("Off table, left room 09:31 for the restroom. ", True),
        ("", False),
        ("The patient remained on the table. ", False),
    ],
)
def test_a_patient_who_steps_out_leaves_the_session_open(between, open_):
    record = locaudit.assess(SESSIONS.format(between=between))
    assert (record.same_session is None) is open_


def test_a_placement_in_pre_op_holding_is_another_room_and_time(facts_of):
    text = (
        "Stereotactic SCOUT localization, right breast: right 9:00, ribbon clip. Prone "
        "stereotactic table, stereo pair, SCOUT reflector deployed at the clip.\n"
        "Later this morning, in pre-op holding, a second SCOUT reflector was placed in the right "
        "6:00 mass (coil clip).\nImpression: right 9:00 and 6:00 SCOUT reflectors."
    )
    assert [les.guidance for les in facts_of(text).lesions] == ["stereotactic", None]
    assert locaudit.assess(text).same_session is None


def test_log_times_after_leader_dots_are_read():
    text = (
        "EXAM: STEREO SCOUT LOCALIZATION LEFT BREAST, 2 SITES\nPROCEDURE LOG:\n"
        "  Site 1 SCOUT deployed .. 08:19  (L 12:00, stereo pair, coil clip)\n"
        "  Site 2 SCOUT deployed .. {second}  (L 3:00, stereo pair, ribbon clip)\n"
        "IMP: Stereotactic SCOUT localization left breast 12:00 and 3:00."
    )
    assert locaudit.assess(text.format(second="13:52")).same_session is None
    assert locaudit.assess(text.format(second="08:31")).same_session is True


def test_a_practice_said_in_the_present_places_nothing():
    text = (
        "BREAST PA NOTE -- PROCEDURE NOT PERFORMED\n"
        "Scheduled: stereotactic SCOUT localization x2, left breast\n"
        "Surgery is postponed. Because the reflectors are placed only when a surgery date is "
        "confirmed, the localization was cancelled. No device was placed."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_post_localization_mammograms_exam_line_places_nothing():
    text = (
        "EXAM: MG DIAGNOSTIC UNILATERAL LEFT (POST LOCALIZATION)\n"
        "CLINICAL: Status post stereotactic wire localization of two left breast lesions.\n"
        "FINDINGS: Two localization wires. The wire at 2:00 has its hook at the coil clip. The "
        "wire at 6:00 traverses the ribbon clip.\nIMPRESSION: Wires in satisfactory position."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


@pytest.mark.parametrize(
    ("first", "second", "open_"),
    [
        ("23:58", "00:09", False),  # one sitting past midnight
        ("[08:05]", "[14:40]", True),  # log lines six and a half hours apart
        ("08:05", "08:20", False),
    ],
)
def test_log_times_past_midnight_and_in_brackets(first, second, open_):
    text = (
        "Stereotactic Magseed localization, left breast, 2 lesions\n"
        f"{first} Site A, L 12:00: stereo pair; Magseed deployed at the ribbon clip.\n"
        f"{second} Site B, L 3:00: stereo pair; second Magseed deployed at the coil clip.\n"
        "IMPRESSION: Left breast Magseed localization of two separate lesions, stereotactic."
    )
    assert (locaudit.assess(text).same_session is None) is open_


@pytest.mark.parametrize(
    "between",
    [
        "The patient was sent to the cafeteria and returned after lunch.\n",
        "Hookwire 1 placed at 09:30. ",  # a leading zero: a time, not a clock face
    ],
)
def test_a_lunch_break_or_hours_apart_leave_the_session_open(between):
    text = (
        "Stereotactic wire localization, right breast, 2 lesions\n"
        "Lesion 1, right 10:00, ribbon clip: prone stereotactic table, stereo pair; hookwire "
        f"placed at the clip. {between}"
        "Lesion 2, right 2:00, coil clip, separate: stereo pair; hookwire at 13:15, tip at clip.\n"
        "Impression: Right breast stereotactic wire localization, 10:00 and 2:00."
    )
    assert locaudit.assess(text).same_session is None


def test_placements_headed_am_and_pm_leave_the_session_open():
    text = (
        "LEFT BREAST STEREOTACTIC NEEDLE LOCALIZATION - TWO SITES\n"
        "AM: Left 1:00 IDC (ribbon clip), prone stereotactic, stereo pair, hookwire at the clip.\n"
        "PM: Left 7:00 DCIS (coil clip), separate lesion, prone stereotactic, stereo pair, "
        "hookwire 2 mm past the clip.\nIMPRESSION: Stereotactic wire localization of left 1:00 "
        "and left 7:00."
    )
    assert locaudit.assess(text).same_session is None


def test_a_seed_retrieval_log_places_nothing():
    text = (
        "PATHOLOGY / RADIATION SAFETY - I-125 SEED RETRIEVAL LOG\n"
        "Specimen A (left breast, 12:00): 1 I-125 seed retrieved at 14:12, intact.\n"
        "Specimen B (left breast, 4:00): 1 I-125 seed retrieved at 14:20, intact.\n"
        "Both seeds had been placed under stereotactic guidance on 07/21/2025."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_telephone_encounter_with_its_date_places_nothing():
    text = (
        "Pinewater Health - Breast Care Navigation\nTelephone Encounter  03/26/2025 14:12\n"
        "Called patient to review her schedule. Stereotactic Magseed placement of the two left "
        "breast sites (1:00 and 9:00) is booked for 03/31. Explained the seeds are small "
        "magnetic markers, one in each spot."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_two_groups_that_may_be_a_single_process_are_asked_about():
    text = (
        "PROCEDURE: Prone stereotactic table.\nReflector 1: left 2:00, at the biopsy clip. Stereo "
        "pair, SCOUT deployed.\nReflector 2: left 4:00, at the second calcification group. Stereo "
        "pair, SCOUT deployed.\nCOMMENT: The two groups may represent a single segmental process "
        "rather than two lesions.\nIMPRESSION: SCOUT reflector placement x2, left breast."
    )
    assert "SEPARATENESS_UNCLEAR" in {f.code for f in locaudit.assess(text).findings}


def test_a_patient_waiting_in_the_lobby_between_sites_leaves_the_session_open():
    text = SESSIONS.format(between="Pt dressed and waited in the lobby while room 3 was freed. ")
    assert locaudit.assess(text).same_session is None


def test_a_lesion_localized_at_its_clip_with_no_device_named(facts_of):
    text = (
        "PROCEDURE: Prone stereotactic table, right breast.\n"
        "Lesion 1: right 11:00, X clip. Stereo pair. SCOUT reflector deployed 2 mm from clip.\n"
        "Lesion 2: right 4:00, coil clip, 6 cm from lesion 1. Stereo pair. Localized "
        "successfully at the clip."
    )
    facts = facts_of(text)
    assert [(les.clock, les.devices) for les in facts.lesions] == [
        (11.0, ["radar_reflector"]),
        (4.0, []),
    ]
    assert locaudit.assess(text).verdict == "needs_review"


def test_a_patient_turned_supine_leaves_the_table_behind(facts_of):
    text = (
        "11:00 calcifications: prone stereotactic table, stereo pair, Magseed deployed at the "
        "coil clip.\nThe patient was then repositioned supine and the second Magseed was placed "
        "into the 6:00 mass{how}.\nImpression: Magseed localization, right breast 11:00 and 6:00."
    )
    assert [les.guidance for les in facts_of(text.format(how="")).lesions] == [
        "stereotactic",
        None,
    ]
    how = " under continuous sonographic visualization"
    assert [les.guidance for les in facts_of(text.format(how=how)).lesions] == [
        "stereotactic",
        "ultrasound",
    ]


@pytest.mark.parametrize(
    ("history", "side"),
    [
        ("Remote right lumpectomy 2019. New DCIS at 2:00 and ADH at 10:00.", None),
        ("Right breast. New DCIS at 2:00 and ADH at 10:00.", "right"),
    ],
)
def test_the_side_of_a_past_operation_is_not_todays(facts_of, history, side):
    text = (
        f"STEREOTACTIC WIRE LOCALIZATION, TWO LESIONS\nHistory: {history}\n"
        "Consent and time-out. Prone stereotactic table.\n"
        "Lesion 1 at 2:00: stereo pair, ribbon clip targeted, hookwire deployed.\n"
        "Lesion 2 at 10:00, separate site: new stereo pair, coil clip targeted, hookwire "
        "deployed.\nIMPRESSION: Stereotactic wire localization of two separate lesions."
    )
    assert [les.laterality for les in facts_of(text).lesions] == [side, side]


def test_a_post_procedure_mammograms_exam_line_places_nothing():
    text = (
        "EXAM: MG DIAGNOSTIC POST-PROCEDURE, LEFT (Accession MG25-036652)\n"
        "CLINICAL: Status post stereotactic wire localization of two left breast sites today.\n"
        "FINDINGS: Two localization wires are present. The first traverses the ribbon clip at "
        "left 2:00. The second has its tip 3 mm beyond the coil clip at left 10:00."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_a_localization_at_each_listed_clip_with_no_device_named(facts_of):
    text = (
        "STEREO LOC x2 RT\nRT 10:00 mid (coil clip, IDC) and RT 2:00 ant (ribbon clip, ADH), "
        "separate sites. Prone table, stereo pair each, LOC at each clip, same sitting. Post "
        "CC/ML good position both."
    )
    facts = facts_of(text)
    assert [(les.clock, les.devices) for les in facts.lesions] == [(10.0, []), (2.0, [])]
    assert locaudit.assess(text).verdict == "needs_review"


def test_a_clock_face_a_lesion_is_measured_from_is_not_its_own(facts_of):
    text = (
        "Prone stereotactic table, right breast. The 12:00 calcifications were bracketed with two "
        "wires at the anterior and posterior extent of the span, both at 12:00.\n"
        "The separate 9:00 IDC (biopsy clip, 4 cm lateral to the 12:00 span) was targeted with "
        "its own stereo pair and a third wire was placed through the clip."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [0.0, 9.0]


@pytest.mark.parametrize("care", ["Wire dressed.", "Wires were secured with a dressing."])
def test_tending_the_devices_places_none(facts_of, care):
    text = (
        "Prone stereotactic table. Right 10:00: stereo pair, hookwire through the ribbon clip. "
        "Right 1:00: new stereo pair, second hookwire at the X clip.\n"
        f"The old coil clip at 6:00 is remote from both. {care}\n"
        "IMPRESSION: Stereotactic wire localization of two separate right breast lesions."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [1.0, 10.0]


@pytest.mark.parametrize(("day", "open_"), [("03/10/2026", True), ("03/11/2026", False)])
def test_a_log_line_dated_another_day(day, open_):
    text = (
        "EXAM: STEREOTACTIC MAGSEED LOCALIZATION, RIGHT BREAST, 2 LESIONS\n"
        "DATE OF SERVICE: 03/11/2026\nTECHNIQUE:\n"
        "1. 03/11/2026 08:47 - Lesion 1, right 10:00: stereo pair. Magseed deployed at the coil "
        "clip.\n"
        f"2. {day} 08:58 - Lesion 2, right 7:00: stereo pair. Magseed deployed at the wing clip.\n"
        "IMPRESSION: Stereotactic Magseed localization of two separate right breast lesions."
    )
    assert (locaudit.assess(text).same_session is None) is open_


def test_a_post_mammogram_key_is_the_findings(nlp):
    text = "LESION_1.DEVICE: hookwire\nPOST_MAMMO: right CC/ML, wire as above\nIMPRESSION: wire."
    names = [name for _, _, name in nlp(text)._.locaudit_sections]
    assert "findings" in names


@pytest.mark.parametrize(
    ("lead", "side"), [("left breast, two sites", "left"), ("two sites", None)]
)
def test_a_side_said_before_the_count_of_sites_is_every_ones(facts_of, lead, side):
    text = (
        f"Stereotactic needle localization, {lead}: 1) 12:00 middle depth, coil clip, Kopans "
        "wire through clip. 2) 3:00 posterior depth, separate lesion, ribbon clip, Kopans wire "
        "tip at clip. Prone table, stereo pair each. Both this session."
    )
    assert [les.laterality for les in facts_of(text).lesions][-1] == side


def test_one_tag_deployed_at_each_listed_site(facts_of):
    text = (
        "EXAM: STEREO LOC RT BREAST - LOCALIZER TAGS x2\nINDICATION: Two right breast lesions.\n"
        "  (1) RT 7:00, 6 cm FN - IDC - coil clip\n  (2) RT 11:00, 10 cm FN - ADH - ribbon clip\n"
        "TECHNIQUE: Upright unit, stereo pair at each site. One LOCalizer RFID tag deployed at "
        "each site through the introducer.\nIMPRESSION: Stereotactic RFID tag localization, right "
        "breast, two separate lesions."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [7.0, 11.0]


def test_a_method_given_up_at_a_site_does_not_retract_the_site(facts_of):
    text = (
        "We had planned to localize the left 1:00 mass under ultrasound; it was not seen, so the "
        "patient was moved to the prone stereotactic table, where a stereo pair showed the wing "
        "clip and a hookwire was placed at the clip.\nLeft 8:00 calcifications: stereo pair, "
        "second hookwire placed at the coil clip.\nIMPRESSION: Stereotactic wire localization of "
        "two separate left breast lesions (1:00, 8:00). Ultrasound localization of the 1:00 site "
        "was abandoned."
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [1.0, 8.0]
