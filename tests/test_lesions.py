"""Lesion grouping: per lesion, not per device."""

from __future__ import annotations

import locaudit


def test_lesions_two_clocks_are_two_lesions(facts_of):
    facts = facts_of(
        "Under stereotactic guidance wires were placed at 2:00 and 10:00 in the left breast."
    )
    assert [les.clock for les in facts.lesions] == [2.0, 10.0]


def test_lesions_bracketing_is_one_lesion(facts_of):
    facts = facts_of(
        "Two wires were placed under stereotactic guidance to bracket the calcifications "
        "in the left breast at 1:00 and 2:00."
    )
    assert len(facts.lesions) == 1 and facts.lesions[0].bracketed


def test_lesions_impression_restatement_is_not_new(facts_of):
    facts = facts_of(
        "PROCEDURE: A wire was placed at 11:00 in the right breast under stereotactic guidance.\n"
        "IMPRESSION: Stereotactic wire localization, right breast."
    )
    assert len(facts.lesions) == 1


def test_lesions_biopsy_clip_is_biopsy_marker(facts_of):
    facts = facts_of(
        "Stereotactic vacuum-assisted biopsy of the left breast 2:00 calcifications was performed. "
        "A clip was deployed at the biopsy site."
    )
    assert [les.purpose for les in facts.lesions] == ["biopsy_marker"]


def test_lesions_side_of_one_lesion_is_not_given_to_another(facts_of):
    facts = facts_of(
        "Lesion 1: Right breast 9:00. A seed was placed under stereotactic guidance.\n"
        "Lesion 2: 3:00 posterior depth. A seed was placed under stereotactic guidance."
    )
    assert [les.laterality for les in facts.lesions] == ["right", None]


# Placement acts and their devices -------------------------------------------------------------


def test_negated_act_licenses_no_other_device(facts_of):
    facts = facts_of(
        "Left breast stereotactic biopsy at 2:00. No marker clip was placed: the patient "
        "declined the clip."
    )
    assert facts.lesions == []


def test_new_device_after_negation_is_placed(facts_of):
    facts = facts_of(
        "Left breast, prone stereotactic table. The 3 o'clock site was localized with a Magseed. "
        "The 7 o'clock distortion was localized without stereo images, and a second Magseed "
        "was deployed."
    )
    assert len(facts.lesions) == 2


def test_device_found_by_localizing_is_not_placed(facts_of):
    facts = facts_of(
        "Right partial mastectomy. The SCOUT reflectors were localized with the handpiece and "
        "excised at 10:00."
    )
    assert facts.lesions == []


def test_localized_with_a_device_is_placed(facts_of):
    facts = facts_of(
        "Right breast 10:00 mass was localized with a SCOUT reflector under stereotactic guidance."
    )
    assert [les.devices for les in facts.lesions] == [["radar_reflector"]]


def test_aborted_second_wire_after_but(facts_of):
    facts = facts_of(
        "Right breast, prone stereotactic table. A hookwire was placed at 9 o'clock. "
        "At 12 o'clock a needle was advanced but the second wire could not be passed."
    )
    assert [les.clock for les in facts.lesions] == [9.0]


# Lesion identity ------------------------------------------------------------------------------


def test_clock_faces_in_words(facts_of):
    facts = facts_of(
        "left breast stereotactic wire localization. a hook wire was placed at two o'clock. "
        "then a second hook wire was placed at five o'clock."
    )
    assert [les.clock for les in facts.lesions] == [2.0, 5.0]


def test_clock_range_is_one_lesion(facts_of):
    facts = facts_of(
        "Target: R UOQ 9:30-11:00 calcifications. Devices: I-125 seeds x2 placed under "
        "stereotactic guidance to bracket the segment."
    )
    assert len(facts.lesions) == 1


def test_plural_devices_spread_over_labelled_lesions(facts_of):
    facts = facts_of(
        "Lesion A: RIGHT 11:00, 6 cm FN.\nLesion B: RIGHT 7:30, 9 cm FN.\nLesion C: LEFT 1:00.\n"
        "Technique: prone stereotactic table. Magseed x3, one per lesion."
    )
    assert [les.laterality for les in facts.lesions] == ["right", "right", "left"]


def test_one_more_device_placed_nowhere_of_its_own_is_another_lesion(facts_of):
    facts = facts_of(
        "Right 10 o'clock calcifications. A hookwire was placed through the ribbon clip under "
        "stereotactic guidance. A second hookwire was placed at a small group of "
        "calcifications 1 cm anterior to the clip."
    )
    assert len(facts.lesions) == 2 and facts.lesions[1].clock is None


def test_second_wire_bracketing_stays_one_lesion(facts_of):
    facts = facts_of(
        "Right 10 o'clock calcifications. A hookwire was placed under stereotactic guidance. "
        "A second hookwire was placed to bracket the calcifications."
    )
    assert len(facts.lesions) == 1


def test_labelled_lesion_placed_from_the_indication(facts_of):
    facts = facts_of(
        "Indication: Target A at 12 o'clock; Target B at 3 o'clock.\n\n"
        "Procedure: prone stereotactic table, left breast.\n"
        "Target A: a LOCalizer tag was deployed.\nTarget B: a LOCalizer tag was deployed."
    )
    assert [les.clock for les in facts.lesions] == [0.0, 3.0]


def test_side_belongs_to_its_nearest_clock(facts_of):
    facts = facts_of(
        "Stereotactic wire localization. A hookwire was placed at 2 o'clock. A second hookwire "
        "was placed at 9 o'clock. Impression: wire localization of 2 o'clock left breast and "
        "9 o'clock."
    )
    assert [les.laterality for les in facts.lesions] == ["left", None]


def test_run_on_sentence_steps_are_separate(facts_of):
    facts = facts_of(
        "Right breast. I first placed a hookwire at the edge of the upper outer quadrant "
        "calcifications, and then we repositioned and I placed a third wire through the "
        "6 o'clock mass under stereotactic guidance."
    )
    assert len(facts.lesions) == 2


# Notes that are not today's procedure ---------------------------------------------------------


def test_consult_note_is_history_and_plans(facts_of):
    facts = facts_of(
        "CHIEF COMPLAINT: left breast calcifications.\n"
        "The patient was advised to have an excisional biopsy with guidewire localization.\n"
        "The guidewire localization of the left breast 2 o'clock calcifications was placed "
        "under stereotactic guidance in 2004.\n"
        "REVIEW OF SYSTEMS: negative."
    )
    assert facts.lesions == []


def test_lung_hookwire_is_not_breast(facts_of):
    facts = facts_of(
        "CT guided hookwire localization of lung nodules. A hookwire was deployed adjacent to the "
        "right upper lobe nodule. History of right breast cancer."
    )
    assert facts.lesions == [] and not facts.breast_note


def test_addendum_amends_guidance_of_named_lesion(facts_of):
    facts = facts_of(
        "TECHNIQUE: Left breast. Lesion 1 (4:00): stereo pair, I-125 seed deployed.\n"
        "Lesion 2 (10:00): the seed was placed under ultrasound guidance.\n"
        "ADDENDUM: Lesion 2 was targeted on the prone stereotactic table with its own stereo pair."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", "stereotactic"]


def test_lesion_known_by_its_clip_is_placed_where_the_clip_is(facts_of):
    facts = facts_of(
        "STEREOTACTIC I-125 SEED LOCALIZATION - LEFT\n"
        "History: Upper inner quadrant calcifications, barbell clip. Lower outer quadrant "
        "asymmetry, coil clip.\n\n"
        "Technique: The barbell clip was targeted on a stereo pair and an I-125 seed was "
        "deployed. The coil clip was targeted with a new stereo pair; a second I-125 seed was "
        "deployed."
    )
    assert [les.quadrant for les in facts.lesions] == ["uiq", "loq"]


def test_unticked_box_is_not_the_guidance(facts_of):
    facts = facts_of(
        "Laterality: [ ] Right  [x] Left\nGuidance: [ ] ultrasound  [x] stereotactic\n"
        "Target 1: L 3:00. Device: Magseed deployed.\nTarget 2: L 6:00. Device: Magseed deployed."
    )
    assert [(les.laterality, les.guidance) for les in facts.lesions] == [
        ("left", "stereotactic"),
        ("left", "stereotactic"),
    ]


def test_specimen_report_places_nothing(facts_of):
    facts = facts_of(
        "EXAM: Surgical specimen radiograph, left breast.\n"
        "Specimen 1 contains a hookwire placed under stereotactic guidance at 2:00.\n"
        "Specimen 2 contains the second wire at 5:00."
    )
    assert facts.lesions == []


def test_session_doubt_for_a_counted_lesion(facts_of):
    facts = facts_of(
        "Right 2 o'clock: prone stereotactic table; stereo pair; hookwire deployed.\n"
        "Right 10 o'clock: stereo pair; hookwire deployed.\n"
        "ADDENDUM: The 10 o'clock wire may have been placed at the earlier appointment."
    )
    assert len(facts.lesions) == 2 and set(facts.other_session_clocks) == {10.0}


def test_macro_placeholder_is_no_side(facts_of):
    facts = facts_of(
        "Procedure: Stereotactic guided wire localization, [LEFT/RIGHT] breast. A hookwire was "
        "placed at 1:00."
    )
    assert facts.lesions[0].laterality is None


def test_focus_age_restarts_with_each_section(facts_of):
    filler = " ".join(f"Clip {n} noted on prior films." for n in range(8))
    facts = facts_of(
        f"HISTORY: {filler}\n\nPROCEDURE: Stereotactic guidance was used.\n"
        "Lesion 1: left 2:00, a wire was placed.\nLesion 2: left 7:00, a wire was placed."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", "stereotactic"]


def test_addendum_withdrawing_the_report_leaves_no_lesion(facts_of):
    facts = facts_of(
        "PROCEDURE: Prone stereotactic table, left breast.\n"
        "Lesion 1 (10:00): stereo pair, hookwire deployed.\n"
        "Lesion 2 (1:00): stereo pair, second hookwire deployed.\n"
        "ADDENDUM: The procedure was cancelled; no wire was placed at either site. Please "
        "disregard the procedure and impression sections above."
    )
    assert facts.lesions == []


def test_addendum_unplacing_one_clock_face(facts_of):
    facts = facts_of(
        "Procedure: Prone stereotactic table, right breast.\n"
        "9:00: stereo pair on the ribbon clip and Magseed deployed.\n"
        "2:00: Magseed at the coil clip.\n"
        "Attending attestation: Correction: the 2:00 Magseed was NOT placed today."
    )
    assert [les.clock for les in facts.lesions] == [9.0]


def test_disregarded_lesion_paragraph(facts_of):
    facts = facts_of(
        "Lesion 1: right 9 o'clock. Stereo pair, SCOUT reflector deployed.\n"
        "Lesion 2: right 5 o'clock. Stereo pair, second SCOUT reflector deployed.\n"
        ">> Disregard the Lesion 2 paragraph above: carried forward from 2022."
    )
    assert [les.clock for les in facts.lesions] == [9.0]


def test_coded_structured_fields(facts_of):
    facts = facts_of(
        "--- Finding 1 ---\nLAT: L | CLOCK: 0100 | DEPTH: M\nGUIDANCE: STX\n"
        "DEVICE: RFID | STATUS: PLACED\n--- Finding 2 ---\nLAT: L | CLOCK: 0400 | DEPTH: P\n"
        "GUIDANCE: STX\nDEVICE: RFID | STATUS: PLACED"
    )
    assert [(les.laterality, les.clock, les.guidance) for les in facts.lesions] == [
        ("left", 1.0, "stereotactic"),
        ("left", 4.0, "stereotactic"),
    ]


def test_lowercase_dictation_lines_are_sentences(nlp):
    doc = nlp(
        "dos 10/16/2025\nstereotactic wire localization left breast\nhx 62 yo left breast idc\n"
        "prone stereo table wire placed at 10 o'clock\npost mammo ok"
    )
    assert len(list(doc.sents)) == 5


def test_guidance_of_one_labelled_lesion_is_not_the_next_ones(facts_of):
    facts = facts_of(
        "Magseed localisation x2, left breast.\n"
        "Lesion 1 (10 o'clock): prone stereotactic table; a Magseed was deployed at the clip.\n"
        "Lesion 2 (5 o'clock): a Magseed was deployed at the HydroMARK clip."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]


def test_guidance_said_before_the_lesions_is_everyones(facts_of):
    facts = facts_of(
        "Magseed localisation x2, left breast. The patient was placed prone on the stereotactic "
        "table.\nLesion 1 (10 o'clock): a Magseed was deployed at the clip.\n"
        "Lesion 2 (5 o'clock): a Magseed was deployed at the HydroMARK clip."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", "stereotactic"]


def test_trigger_inside_parentheses_stays_there(facts_of):
    facts = facts_of(
        "Left breast, two lesions. Target 1 (10:00): stereo pair, hookwire placed.\n"
        "Target 2 (5:00; bx 10/02, prior clip not seen): tomo scout + stereo pair. "
        "HydroMARK clip deployed at the distortion."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", "stereotactic"]


def test_device_before_the_second_lesion_is_the_first(facts_of):
    facts = facts_of(
        "Left breast stereotactic Magseed localization.\n\n"
        "Prone stereotactic table. After a stereo pair the Magseed was deployed.\n\n"
        "The second, separate lesion, left 9 o'clock, was localized in the same sitting with a "
        "second Magseed under stereotactic guidance."
    )
    assert len(facts.lesions) == 2


def test_broken_off_sitting_leaves_the_session_unclear():
    def note(interlude: str) -> str:
        return (
            "Stereotactic I-125 seed localisation, right breast, two sites.\n"
            "R 10 o'clock: stereotactic pair, I-125 seed deployed at the ribbon marker.\n"
            f"{interlude}"
            "Second site - R 7 o'clock: stereotactic pair, I-125 seed deployed at the coil marker."
        )

    broken = locaudit.assess(
        note("She felt faint, was discharged from the department and came back later.\n")
    )
    whole = locaudit.assess(note(""))
    assert broken.verdict == "needs_review"
    assert "SESSION_UNCLEAR" in [f.code for f in broken.findings]
    assert whole.verdict == "supported"


def test_rtf_control_words_do_not_hide_clock_faces_or_headers(nlp):
    doc = nlp("\\b PROCEDURE:\\b0  wire localization, left breast, 1:00 and 4:00\\par\n")
    assert "4:00" in [t.text for t in doc] and "\\par" in [t.text for t in doc]
    assert doc.text.endswith("4:00\\par\n")  # the note is not rewritten


def test_device_counted_in_a_devices_line_names_unnamed_lesions(facts_of):
    facts = facts_of(
        "PROCEDURE: Prone stereotactic table.\n"
        "1. RIGHT breast, 10:00. Top-hat clip targeted. Localized.\n"
        "2. LEFT breast, 4:00. Cylinder clip targeted. Localized.\n\n"
        "Devices: 2 SAVI SCOUT reflectors, one per site."
    )
    assert [les.devices for les in facts.lesions] == [["radar_reflector"], ["radar_reflector"]]


def test_device_said_for_one_lesion_is_not_everyones(facts_of):
    facts = facts_of(
        "PROCEDURE: Prone stereotactic table.\n"
        "Lesion 1: right 10:00. A SAVI SCOUT reflector was deployed.\n"
        "Lesion 2: left 4:00. Localized per protocol."
    )
    assert [les.devices for les in facts.lesions] == [["radar_reflector"], []]


def test_side_of_one_labelled_finding_is_not_the_notes(facts_of):
    facts = facts_of(
        "EXAM: STEREOTACTIC SEED LOCALIZATION, 2 LESIONS\n\n"
        "PROCEDURE: Prone stereotactic table.\n\n"
        "FINDING 1\n  Side: LEFT\n  Location: 0600, 3 cm FN\n  Device: I-125 seed\n\n"
        "FINDING 2\n  Side: [  ]\n  Location: 0600, 8 cm FN\n  Device: I-125 seed\n"
    )
    assert [les.laterality for les in facts.lesions] == ["left", None]


def test_impression_putting_a_lesion_in_the_other_breast_leaves_its_side_open(facts_of):
    facts = facts_of(
        "Procedure: Prone stereotactic table. Lesion 1: right breast 10:00, stereo pair, "
        "hookwire deployed. Lesion 2: right breast 4:00, stereo pair, second hookwire deployed.\n\n"
        "Impression:\n1. Stereotactic wire localization, right breast 10:00.\n"
        "2. Stereotactic wire localization, left breast 4:00.\n"
    )
    assert [les.laterality for les in facts.lesions] == ["right", None]


def test_copied_forward_text_reports_the_earlier_visit(facts_of):
    facts = facts_of(
        "EXAM: Diagnostic mammogram, left.\n\n"
        "(copied from 09/16/2024 note) Stereotactic wire localization, left breast, two "
        "lesions: left 1:00 and left 5:00, hookwire each.\n\n"
        "FINDINGS: Post-lumpectomy changes. Surgical clips in both cavities."
    )
    assert facts.lesions == []


def test_device_list_with_no_needle_placed_is_no_placement(facts_of):
    note = (
        "Device log - Stereo 2 (prone)\n"
        "Pulled: SAVI SCOUT x2 for R 10:00 and R 2:00.\n"
        "12:15 Pt positioned prone, R breast.\n"
        "{stop}"
    )
    stopped = facts_of(note.format(stop="12:45 Rescheduled. No needle placed.\n"))
    assert stopped.lesions == []


def test_addendum_leaving_a_lesions_side_under_review(facts_of):
    facts = facts_of(
        "PROCEDURE: Prone stereotactic table. Lesion 1: left breast 11:00, stereo pair, tag "
        "deployed. Lesion 2: left breast 3:00, stereo pair, second tag deployed.\n\n"
        "ADDENDUM: The laterality of lesion 2 is under review and will be clarified."
    )
    assert [les.laterality for les in facts.lesions] == ["left", None]
    assert facts.session_unclear == []


def test_depth_tells_apart_lesions_at_one_clock_face_only_when_called_separate():
    def note(statement: str) -> str:
        return (
            "Stereotactic SCOUT localization, left breast 10:00. Prone table.\n"
            "Reflector 1: anterior depth, 2 cm FN, deployed after a stereo pair.\n"
            "Reflector 2: posterior depth, 7 cm FN, deployed after a new stereo pair.\n"
            f"{statement}"
        )

    separate = locaudit.assess(note("The two are separate lesions, 5 cm apart.\n"))
    unsaid = locaudit.assess(note(""))
    assert separate.verdict == "supported" and len(separate.lesions) == 2
    assert unsaid.verdict == "needs_review"
    assert "MISSING_LOCATION" in [f.code for f in unsaid.findings]


def test_html_export_lines_and_headers(facts_of):
    facts = facts_of(
        "<p><b>PROCEDURE:</b><br/>Lesion 1 (right 8:00): stereo pair, hookwire deployed."
        "<br/>Lesion 2 (right 12:00): targeted on the tomosynthesis stack alone; no stereo "
        "pair was obtained. A hookwire was deployed.</p>"
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]


def test_database_keys_are_split_from_their_values(nlp):
    words = [t.text for t in nlp.make_doc("SITE_1_LOCATION=1:00 Lesion1.Laterality: Right")]
    assert words[:3] == ["SITE_1_LOCATION", "=", "1:00"] and "Lesion1" in words


def test_equipment_failure_stops_carrying_guidance(facts_of):
    facts = facts_of(
        "Wire localization, left breast, two sites.\n\n"
        "12 o'clock first on the prone stereo table: stereo pair, wire through the ribbon clip. "
        "Then the table locked up. I finished the 9 o'clock site and put a second wire there."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]


def test_procedure_log_times_are_not_clock_faces(facts_of):
    facts = facts_of(
        "Stereotactic Magseed localization, left breast\n"
        "10:12 time-out. Prone, CC. Stereo pair on ribbon clip, L 1:00.\n"
        "10:19 Magseed 1 deployed; post-fire pair ok.\n"
        "10:45 pt off table. CC/ML: seed 1 at ribbon clip.\n"
    )
    assert [les.clock for les in facts.lesions] == [1.0]


def test_lesions_told_apart_by_kind_of_finding(facts_of):
    facts = facts_of(
        "Stereotactic wire localization of two lesions, left breast.\n"
        "The calcifications: superior approach, stereo pair, a hookwire was deployed.\n"
        "The mass: the breast was recompressed, a new stereo pair, a second hookwire was "
        "deployed.\n"
        "IMPRESSION: Two separate left breast lesions, the calcifications and the mass."
    )
    assert [les.finding for les in facts.lesions] == ["calcifications", "mass"]


def test_lesions_kind_takes_the_place_the_note_gives_it(facts_of):
    facts = facts_of(
        "Targets, left breast, two lesions: the mass at 2 o'clock and the calcifications at "
        "11 o'clock.\nProne stereotactic table. A Magseed was deployed at the mass after a "
        "stereo pair. A second stereo pair, and a Magseed was deployed in the calcifications."
    )
    assert sorted(les.clock for les in facts.lesions) == [2.0, 11.0]


def test_lesions_kind_with_joined_kinds_is_one_finding(facts_of):
    facts = facts_of(
        "Two lesions were discussed. Left breast mass with associated calcifications at 3:00. "
        "Stereo pair; a wire was placed in the mass, and the calcifications were confirmed "
        "around the wire."
    )
    assert len(facts.lesions) == 1


def test_lesions_depth_beside_a_kind_is_not_a_quadrant(facts_of):
    # a depth word next to the finding once reached the quadrant table and raised KeyError
    facts = facts_of(
        "LOCALIZATION #1\nRight breast 8:00, the mass. Stereo pair, hookwire placed.\n"
        "LOCALIZATION #2\nRight breast 12:00, the calcifications (posterior depth), separate "
        "from #1. Stereo pair, hookwire placed at the calcifications.\n"
        "IMPRESSION: two separate lesions."
    )
    assert sorted(les.clock for les in facts.lesions) == [0.0, 8.0]  # 12:00 is 0


def test_lesions_addendum_names_a_lesion_by_clock_face(facts_of):
    facts = facts_of(
        "Left breast, two lesions. Upright stereotactic unit. The 1 o'clock clip was targeted "
        "with a stereo pair and a SCOUT reflector placed. The 4 o'clock distortion was then "
        "targeted and a second SCOUT reflector placed.\n"
        "ADDENDUM: the 4 o'clock distortion was targeted on the tomosynthesis acquisition "
        "alone."
    )
    by_clock = {les.clock: les for les in facts.lesions}
    assert by_clock[1.0].guidance == "stereotactic"
    assert by_clock[4.0].guidance is None and by_clock[4.0].tomosynthesis_only


def test_lesions_one_place_said_of_several_devices_is_neither_ones(facts_of):
    facts = facts_of(
        "right breast stereotactic reflector placement\n"
        "stereo pair of the 12 o'clock calcifications obtained and a SCOUT reflector deployed. "
        "A second stereo pair was taken and another SCOUT reflector was deployed in the upper "
        "breast about 2 cm superior to the first.\n"
        "post procedure mammogram two reflectors in the upper central right breast 2 cm apart"
    )
    assert [les.quadrant for les in facts.lesions] == [None, None]


def test_lesions_chest_wall_recurrence_is_not_breast(facts_of):
    facts = facts_of(
        "History: left mastectomy 2019. Recurrence in the left chest wall.\n"
        "Left chest wall nodule, 3 cm lateral to the mastectomy scar: under ultrasound guidance "
        "a SCOUT reflector was placed at the nodule."
    )
    assert facts.lesions == []


def test_lesions_near_the_chest_wall_is_still_breast(facts_of):
    facts = facts_of(
        "Left breast 6:00 mass, posterior depth near the chest wall: prone stereotactic table, "
        "stereo pair, a Magseed was deployed at the mass."
    )
    assert len(facts.lesions) == 1 and facts.lesions[0].laterality == "left"


def test_lesions_imaging_guidance_is_no_modality(facts_of):
    facts = facts_of(
        "Right breast wire localization, two sites, stereotactic.\n"
        "For the 11:00 ribbon clip a stereo pair gave the coordinates and a wire was deployed. "
        "The 5:00 coil clip, a different biopsy site, was then wired under imaging guidance."
        "\nA hookwire was placed at the 5:00 clip."
    )
    by_clock = {les.clock: les for les in facts.lesions}
    assert by_clock[11.0].guidance == "stereotactic"
    assert by_clock[5.0].guidance is None and by_clock[5.0].guidance_unstated


def test_lesions_stereotactic_imaging_guidance_is_stereotactic(facts_of):
    facts = facts_of(
        "Left breast 2:00: under stereotactic imaging guidance a hookwire was placed at the clip."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic"]


def test_lesions_guidance_said_of_one_lesion_is_not_the_next_ones(facts_of):
    facts = facts_of(
        "PROC: LT 2:00: prone stereo, CC approach, stereo pair, wire deployed at ribbon clip. "
        "LT 7:00: wire deployed at coil clip, med approach."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]


def test_lesions_guidance_of_the_table_serves_every_lesion(facts_of):
    facts = facts_of(
        "I placed her prone on the stereotactic table and localized the 2 o'clock "
        "calcifications with a wire. We then moved to the 10 o'clock calcifications and I "
        "placed a second wire."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", "stereotactic"]


def test_lesions_impression_places_the_lesion_the_body_left_unplaced(facts_of):
    facts = facts_of(
        "PROCEDURE: LEFT STEREOTACTIC LOCALIZATION OF TWO LESIONS\n"
        "Prone table used for both. Ribbon clip first: CC approach, stereo pair, needle in, "
        "wire deployed. The other one next: lateral approach, stereo pair, deployed.\n"
        "IMPRESSION:\n- Wire placed at the 12 o'clock ribbon clip.\n"
        "- Wire placed at the 3 o'clock coil clip."
    )
    assert sorted(les.clock for les in facts.lesions) == [0.0, 3.0]


def test_lesions_guidance_after_each_place_in_a_list(facts_of):
    facts = facts_of(
        "Right breast: a wire was placed at 8 o'clock and a second wire at 12 o'clock.\n"
        "IMPRESSION: right breast wire localization 8 o'clock stereo, 12 o'clock tomo "
        "targeted, 2 separate lesions"
    )
    by_clock = {les.clock: les for les in facts.lesions}
    assert by_clock[8.0].guidance == "stereotactic" and by_clock[0.0].guidance is None


def test_lesions_the_notes_one_side_when_no_lesion_has_its_own(facts_of):
    facts = facts_of(
        "History: Left breast carcinoma. Site A: 2 o'clock mass. Site B: 10 o'clock "
        "calcifications.\nTechnique: prone on the stereotactic table for all placements.\n"
        "Site A: Magseed deployed at the clip.\nSite B: Magseed deployed at the clip."
    )
    assert [les.laterality for les in facts.lesions] == ["left", "left"]


def test_lesions_an_empty_side_field_is_recognised():
    from locaudit.nlp.fills import BLANK_SIDE

    for blank in ("Lesion2.Laterality:\n", "Side: [ ]", "LAT: - | CLOCK: 1000", "Laterality: ____"):
        assert BLANK_SIDE.search(blank), blank
    for filled in ("Lesion1.Laterality: Right", "Side: [X] R", "LAT: L | CLOCK: 0300"):
        assert not BLANK_SIDE.search(filled), filled


def test_doubt_about_separateness_asks_the_radiologist():
    text = (
        "Stereotactic wire localization, left breast, two lesions. The coil clip at 2:00 was "
        "targeted on a stereo pair and a hookwire deployed. A second stereo pair was obtained "
        "on the ribbon clip at 7:00 and a second hookwire deployed.\n"
        "ADDENDUM: the ribbon clip may have migrated. It is not certain whether the two wires "
        "mark two lesions or the same area."
    )
    doubted = locaudit.assess(text)
    clear = locaudit.assess(text.split("ADDENDUM")[0])
    assert doubted.verdict == "needs_review"
    assert "SEPARATENESS_UNCLEAR" in [f.code for f in doubted.findings]
    assert doubted.query and "separate" in doubted.query
    assert clear.verdict == "supported"


def test_lesions_named_by_position_are_two_lesions(facts_of):
    facts = facts_of(
        "Technique: prone stereotactic table, right breast, CC approach for both sites. "
        "Anterior site: stereo pair, barbell clip targeted, hookwire deployed. "
        "Posterior site: separate stereo pair, wing clip targeted, hookwire deployed.\n"
        "Impression: stereotactic wire localization of two separate right breast lesions at "
        "12 o'clock, the anterior site and the posterior site."
    )
    assert len(facts.lesions) == 2
    margins = facts_of(
        "Two hookwires were placed under stereotactic guidance in the right breast at 12 o'clock, "
        "one at the anterior margin and one at the posterior margin of the calcifications."
    )
    assert len(margins.lesions) == 1


def test_lesions_a_supply_list_is_not_the_last_lesions_paragraph(facts_of):
    facts = facts_of(
        "Technique: prone stereotactic table, right breast, two separate lesions at 12 o'clock. "
        "The anterior calcifications were targeted first on a stereo pair and the needle was "
        "deployed at the ribbon clip. For the second, deeper lesion a new stereo pair was "
        "obtained and the needle was deployed at the coil clip.\n"
        "SUPPLIES: Kopans 20 G wire, 5 cm (anterior); Kopans 20 G wire, 9 cm (posterior)."
    )
    assert [les.devices for les in facts.lesions] == [["wire"], ["wire"]]


def test_session_a_discharge_is_not_a_break_in_the_sitting():
    body = (
        "Stereotactic wire localization, left breast. Prone stereotactic table. A hookwire was "
        "deployed at the 1:00 clip on its own stereo pair. A second hookwire was deployed at the "
        "5:00 clip on a new stereo pair. "
    )
    discharged = locaudit.assess(body + "Patient left the department in stable condition.")
    broken = locaudit.assess(
        body.replace(
            "A second",
            "The patient left the department for a clinic appointment and came back. A second",
        )
    )
    assert discharged.verdict == "supported"
    assert broken.verdict == "needs_review"


def test_lesions_a_device_before_the_third_wire_marked_an_earlier_lesion(facts_of):
    facts = facts_of(
        "Stereotactic wire localization, left breast, two lesions (three wires).\n\n"
        "History is of a 56-year-old with DCIS at left 10 to 11 o'clock and a separate IDC at "
        "left 4 o'clock with a coil clip.\n\n"
        "Using stereotactic guidance the lateral margin of the DCIS calcifications was targeted "
        "and a hookwire deployed, then the medial margin was targeted and a second hookwire "
        "deployed. These two wires bracket the DCIS. The coil clip at 4 o'clock was then "
        "targeted on a new stereo pair and a third wire deployed."
    )
    assert len(facts.lesions) == 2
    assert [les.bracketed for les in facts.lesions] == [True, False]


def test_lesions_a_forms_count_field_is_the_stated_count(facts_of):
    facts = facts_of(
        "Guidance: Stereotactic (upright)\nNumber of lesions localized: 2\nDevice(s): Magseed\n"
    )
    assert facts.stated_count == 2


def test_lesions_a_biopsy_of_one_target_is_not_the_next_targets(facts_of):
    facts = facts_of(
        "LT breast localization - 2 separate lesions - stereotactic\n"
        "- Target 1 (L 10:00, 9 mm mass, IDC on US bx): stereo pair. Hookwire placed.\n"
        "- Target 2 (L 5:00, distortion, prior clip not seen): stereo pair. HydroMARK clip "
        "deployed at the distortion as localization marker.\n"
        "- Post 2-view mammo: wire at target 1, new HydroMARK at target 2."
    )
    assert [les.purpose for les in facts.lesions] == ["localization", "localization"]


def test_lesions_a_form_block_per_lesion(facts_of):
    block = (
        "{n}\n  Side: {side}\n  Location: {clock}, 5 cm FN, middle third\n  Target: coil clip\n"
        "  Device: SAVI SCOUT reflector x1\n  Confirmation: post-fire stereo, reflector at clip\n"
    )
    facts = facts_of(
        "Procedure: BREAST LOCALIZATION DEVICE PLACEMENT, STEREOTACTIC\n"
        "Guidance: Prone stereotactic, stereo pairs.\n"
        + block.format(n="Lesion 1", side="Right", clock="8:00")
        + block.format(n="Lesion 2", side="Left", clock="1:00")
    )
    assert [(les.label, les.laterality) for les in facts.lesions] == [(1, "right"), (2, "left")]


def test_lesions_the_lesion_a_line_opens_with_is_its_subject(facts_of):
    facts = facts_of(
        "Prone table, stereotactic guidance.\n"
        "Target 1: L breast 4:00, coil clip. Stereo pair ok. Tag #1 deployed.\n"
        "Target 2: L breast 11:00, ribbon clip - separate lesion ~9 cm from target 1. "
        "Stereo pair ok. Tag #2 deployed.\n"
    )
    assert [les.label for les in facts.lesions] == [1, 2]
    assert "11:00" in (facts.lesions[1].location or "")


def test_lesions_a_carried_label_gives_way_to_an_existing_lesions_place(facts_of):
    facts = facts_of(
        "Prone table.\nTarget 1 - L 3:00 clip. Stereo ok. Kopans wire placed; tip at clip.\n"
        "Target 2 - L 9:00 clip, far posterior: not reachable. No needle placed for target 2.\n"
        "Post CC/ML L: single wire at 3:00 clip.\nRad called the surgeon re target 2.\n"
        "Rad note: agree. One wire placed (L 3:00)."
    )
    assert len(facts.lesions) == 1


def test_session_placements_stamped_hours_apart_or_after_the_end_ask():
    log = (
        "STEREO SCOUT LOC LT x2\nUnit: Affirm prone\nStart 07:40   End 08:20\n"
        "Target 1: L 2:00 ribbon clip. Stereo pair. SCOUT reflector deployed 07:58.\n"
        "Target 2: L 10:00 coil clip, separate site. Stereo pair. SCOUT reflector deployed {t}.\n"
    )
    assert locaudit.assess(log.format(t="08:11")).verdict == "supported"
    late = locaudit.assess(log.format(t="13:35"))
    assert late.verdict == "needs_review"
    assert "SESSION_UNCLEAR" in [f.code for f in late.findings]
    apart = log.replace("Start 07:40   End 08:20\n", "")
    assert locaudit.assess(apart.format(t="13:35")).verdict == "needs_review"
    # a clock face is not a time: 'deployed at 10:30' says where
    assert locaudit.assess(apart.format(t="at 10:30")).verdict == "supported"


def test_session_a_log_line_time_is_a_time_and_a_clock_face_line_is_not():
    log = (
        "Stereotactic I-125 seed localization, right breast.\n"
        "07:45  Lesion 1, right 3:00: prone stereotactic table, stereo pair; seed deployed.\n"
        "{t}  Lesion 2, right 6:00: prone stereotactic table, stereo pair; second seed deployed.\n"
    )
    assert locaudit.assess(log.format(t="08:05")).verdict == "supported"
    assert locaudit.assess(log.format(t="13:20")).verdict == "needs_review"
    faces = (
        "Left breast, prone stereotactic table.\n"
        "1:00 calcifications: stereo pair, hookwire deployed.\n"
        "8:00 mass: new stereo pair, hookwire deployed.\n"
    )
    assert locaudit.assess(faces).verdict == "supported"


def test_notes_that_place_nothing_are_not_applicable():
    navigator = (
        "Nurse Navigator Note - Cedar Hills Breast Center\nReason for contact: pre-procedure call\n"
        "Spoke with patient about tomorrow. She is set for bilateral stereotactic wire "
        "localizations at 07:30 (right 11 o'clock calcifications, left 3 o'clock clip)."
    )
    post_loc = (
        "MAMMOGRAM, POST-LOCALIZATION, RIGHT (UNILATERAL, 2 VIEWS)\n"
        "Performed after the stereotactic wire localizations reported under another accession.\n"
        "IMPRESSION: two hookwires. The wire at 10:00 has its tip 3 mm beyond the ribbon clip; "
        "the wire at 7:00 has its tip at the coil clip."
    )
    for text in (navigator, post_loc):
        assert locaudit.assess(text).verdict == "not_applicable", text[:30]
    procedure = (
        "EXAM: STEREOTACTIC WIRE LOCALIZATION, RIGHT BREAST\nPost-localization mammogram: "
        "wires at 10:00 and 7:00.\nProne stereotactic table: a hookwire was deployed at the "
        "10:00 ribbon clip on its own stereo pair and a second at the 7:00 coil clip on a new pair."
    )
    assert locaudit.assess(procedure).verdict == "supported"


def test_lesions_one_wire_spanning_its_clip_is_no_bracketing(facts_of):
    facts = facts_of(
        "PROCEDURE: Stereotactic needle localization, left breast, two sites\n\n"
        "She was positioned prone on the stereotactic table, craniocaudal approach for the "
        "upper outer site. Scout and stereo images showed the ribbon clip. A 20-gauge "
        "hookwire was advanced and the hook deployed; repeat stereo images showed the "
        "thickened segment spanning the clip.\n\n"
        "The breast was recompressed from a medial approach for the 7 o'clock site. A second "
        "hookwire was placed in the same fashion, its tip 4 mm beyond the coil clip.\n\n"
        "Post-procedure mammograms confirm the first wire traversing the ribbon clip in the "
        "upper outer quadrant at 2 o'clock, posterior depth, and the second wire tip adjacent "
        "to the coil clip at 7 o'clock, middle depth.\n"
    )
    assert [les.bracketed for les in facts.lesions] == [False, False]


def test_lesions_a_lesion_named_to_measure_from_is_not_the_subject(facts_of):
    facts = facts_of(
        "Procedure: Upright stereotactic Magseed localization, R breast, 2 lesions\n"
        "Lesion 1 - R UOQ 10:00, 7 cm FN. Ribbon clip. Stereo +/-15. Magseed deployed.\n"
        "Lesion 2 - R LIQ 5:00, 4 cm FN. Coil clip, separate bx site ~8 cm from lesion 1. "
        "Stereo +/-15. Magseed deployed.\n"
    )
    assert [les.label for les in facts.lesions] == [1, 2]


def test_lesions_an_addendum_that_corrects_the_side_of_the_procedure(facts_of):
    facts = facts_of(
        "Exam: STEREOTACTIC SAVI SCOUT LOCALIZATION, RIGHT BREAST, 2 SITES\n"
        "Procedure: Prone stereotactic table, right breast. The ribbon clip at 3:00 was targeted "
        "with a stereo pair and a SCOUT reflector deployed. The coil clip at 5:00 was then "
        "targeted from a new stereo pair and a second reflector deployed.\n"
        "Impression: Right breast stereotactic SCOUT localization of two separate sites.\n\n"
        "ADDENDUM - LATERALITY CORRECTION: This procedure was performed on the LEFT breast. "
        'Every reference to "right" in the report above should read "left".'
    )
    assert [les.laterality for les in facts.lesions] == ["left", "left"]


def test_lesions_bracketing_devices_at_one_clock_face_apart_in_depth(facts_of):
    facts = facts_of(
        "Exam: STEREO SCOUT LOC RT\nIndication: extensive calcs; bracketing requested.\n"
        "Approach: lateral. Scout + stereo +/-15 obtained.\n"
        "SCOUT reflector #1 deployed at anterior margin of calc cluster, R 10:00, 4 cm FN.\n"
        "Reflector #2 deployed at posterior margin of SAME cluster, R 10:00, 9 cm FN.\n"
    )
    assert len(facts.lesions) == 1 and facts.lesions[0].bracketed


def test_session_two_reports_with_two_dates_of_service_ask():
    part = (
        "PART {n}\nDOS: {dos}\nPROCEDURE: Stereotactic wire localization, {side} breast {clock}.\n"
        "Prone stereotactic table; stereo pair; 9 cm hookwire deployed at the clip.\nSigned: X\n"
    )
    one = part.format(n=1, dos="03/19/2024", side="left", clock="12:00")
    same = part.format(n=2, dos="03/19/2024", side="right", clock="8:00")
    smudged = part.format(n=2, dos="03/1\u2588/2024", side="right", clock="8:00")
    assert locaudit.assess(one + same).verdict == "supported"
    written_short = same.replace("03/19/2024", "3/19/24")
    assert locaudit.assess(one + written_short).verdict == "supported"
    assert locaudit.assess(one + smudged).verdict == "needs_review"
    ct = "DOC 1  CT CHEST  DOS 01/03/2024\nSternotomy wires. Surgical clips.\n"
    bundled = locaudit.assess(ct + one + same.replace("PART 2\nDOS: 03/19/2024\n", ""))
    assert "SESSION_UNCLEAR" not in [f.code for f in bundled.findings]


def test_lesions_a_units_stereo_attachment_does_not_undo_tomosynthesis_only(facts_of):
    facts = facts_of(
        "EXAM: Preoperative wire localization, right breast, 2 sites\n"
        "DETAILS: Upright unit with stereotactic attachment, lateral approach. Site 1 (10:00, "
        "8 cm FN): scout and +/-15 degree stereo pair, 20 G hookwire deployed.\n"
        "Site 2 (6:00, 5 cm FN): the clip was faint on the 2D stereo views, so it was targeted "
        "from the tomosynthesis scout; no stereo pair was acquired for this site. Hookwire "
        "deployed; the tomosynthesis check shows the tip at the clip.\nWires taped."
    )
    assert [les.guidance for les in facts.lesions] == ["stereotactic", None]
    assert facts.lesions[1].tomosynthesis_only


def test_lesions_a_forms_procedure_field_places_nothing(facts_of):
    facts = facts_of(
        "Exam: MG BREAST BIOPSY STEREO; MG BREAST LOCALIZATION STEREO\n"
        "Procedure: [Stereotactic biopsy] + [Stereotactic wire localization]\n"
        "Laterality: [Left]\nSite 2 location: [Left 10:00, 5 cm FN]\nSite 2 device: [Hookwire]\n"
        "Comments: The 3:00 calcifications were sampled with a 9-gauge vacuum device (10 cores) "
        "and a wing clip was left at the cavity. Then, on a separate stereo pair, the 10:00 "
        "cancer was localized by placing a hookwire at its ribbon clip."
    )
    assert sorted(les.purpose for les in facts.lesions) == ["biopsy_marker", "localization"]


def test_lesions_a_device_said_in_one_clause_is_not_the_next_clauses(facts_of):
    facts = facts_of(
        "Technique: Prone stereotactic table. The 3 o'clock cancer was targeted with a stereo "
        "pair and a Magseed was deployed. Next, the 12 o'clock lesion was targeted with a "
        "separate stereo pair and localized in the usual fashion.\n"
        "Impression: Stereotactic localization of two separate left breast lesions (3:00 "
        "Magseed; 12:00 localized)."
    )
    assert [les.devices for les in facts.lesions] == [["magnetic_seed"], []]
    listed = facts_of(
        "Stereo wire loc L breast x2, separate lesions (2:00 ribbon clip; 5:00 coil clip), "
        "prone table, one sitting."
    )
    assert [les.devices for les in listed.lesions] == [["wire"], ["wire"]]


def test_session_a_patient_taken_to_recovery_and_back_asks():
    text = (
        "Stereotactic LOCalizer localization, left breast.\n"
        "Lesion 1, left 1 o'clock (coil clip): prone table, stereo pair, LOCalizer tag placed.\n"
        "{break}Lesion 2, left 4 o'clock (ribbon clip), a separate lesion: prone table, stereo "
        "pair, second LOCalizer tag placed.\n"
    )
    assert locaudit.assess(text.format(**{"break": ""})).verdict == "supported"
    away = "She had a vasovagal episode and rested. She returned to the procedure room later.\n"
    assert locaudit.assess(text.format(**{"break": away})).verdict == "needs_review"


def test_lesions_an_outside_image_review_places_nothing():
    text = (
        "HARLOW VALLEY MEDICAL CENTER - BREAST IMAGING\n"
        "OUTSIDE IMAGE CONSULTATION AND PRE-OPERATIVE REVIEW\n"
        "On 11/04/2024, Lakeshore Imaging placed two SCOUT reflectors under stereotactic "
        "guidance, one at each clip (left 12 o'clock and left 9 o'clock), in a single session.\n"
        "No device was placed here today."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_lesions_one_device_is_not_spread_over_the_sites_counted(facts_of):
    facts = facts_of(
        "PROCEDURE: Stereotactic localization, right breast, two sites\n"
        "The ribbon clip at 10 o'clock was targeted on a stereo pair and a 7 cm hookwire set "
        "just beyond it. The breast was repositioned for the 2 o'clock target; the wing clip "
        "was identified, a stereo pair acquired, and the second site was localized.\n"
        "IMPRESSION: Stereotactic localization of two right breast sites: the 10 o'clock "
        "carcinoma with a hookwire, and the 2 o'clock DCIS (wing clip)."
    )
    assert all("clip" not in les.devices for les in facts.lesions)
    # ... but a clip placed inside the aside is placed
    biopsy = facts_of(
        "Stereotactic biopsy of the left 2:00 calcifications (9 G VAB x 8, coil clip deployed)."
    )
    assert [les.devices for les in biopsy.lesions] == [["clip"]]


def test_lesions_a_side_the_impression_contradicts_is_undocumented(facts_of):
    body = (
        "PROCEDURE: Stereotactic I-125 seed localization, two lesions\n"
        "The right breast was compressed. The ribbon clip at 10 o'clock was targeted on a "
        "stereo pair and an I-125 seed deployed.\nThe second lesion, the right breast 5 "
        "o'clock wing clip, was then targeted on a stereo pair and a second seed deployed.\n"
        "IMPRESSION:\n1. Right breast 10 o'clock DCIS: I-125 seed, stereotactic guidance.\n"
        "2. {side} breast 5 o'clock ADH: I-125 seed, stereotactic guidance.\n"
    )
    same = facts_of(body.format(side="Right"))
    other = facts_of(body.format(side="Left"))
    assert [les.laterality for les in same.lesions] == ["right", "right"]
    assert [les.laterality for les in other.lesions] == ["right", None]


def test_lesions_a_preliminary_version_superseded_by_the_final_documents_nothing():
    prelim = (
        "PRELIMINARY (scheduled procedure text, 07:45): Stereotactic Magseed localization, "
        "left breast, two lesions (12:00 and 3:00).\n"
    )
    final = (
        "FINAL (09:20)\nChanges from preliminary: procedure not performed. The patient "
        "declined. No needle was inserted and no device was placed.\n"
        "IMPRESSION: Stereotactic Magseed localization not performed (patient declined).\n"
    )
    assert locaudit.assess(prelim + final).verdict == "not_applicable"
    alone = prelim.replace(
        "(12:00 and 3:00)",
        "(12:00 and 3:00): a Magseed deployed at each clip on its own stereo pair",
    )
    assert locaudit.assess(alone).verdict == "supported"


def test_lesions_a_blank_modality_and_a_patient_taken_out_of_the_room():
    base = (
        "Stereotactic SCOUT localization, right breast, 2 sites.\n"
        "Site 1: right 10 o'clock, coil clip; prone stereotactic table, stereo pair, SCOUT "
        "reflector at the clip.\n{middle}"
        "Site 2: right 7 o'clock, separate DCIS, ribbon clip; localized under {guide} guidance "
        "with a second SCOUT reflector at the ribbon clip.\n"
    )
    assert locaudit.assess(base.format(middle="", guide="stereotactic")).verdict == "supported"
    assert locaudit.assess(base.format(middle="", guide="***")).verdict == "needs_review"
    away = (
        "She was escorted out of the procedure room and brought back about forty minutes later.\n"
    )
    assert locaudit.assess(base.format(middle=away, guide="stereotactic")).verdict == (
        "needs_review"
    )


def test_lesions_a_terse_list_names_the_device_though_the_verb_placed_the_breast(facts_of):
    facts = facts_of(
        "EXAM: Bilateral stereotactic needle localization (one lesion each breast).\n"
        "PROCEDURE: Prone stereotactic table. Right breast first, inferior approach: scout, "
        "stereotactic pair, lidocaine, 20 g hookwire; hook 3 mm from the wing clip. The left "
        "breast was then placed in the aperture, inferior approach: new scout and pair, "
        "lidocaine, 20 g hookwire; hook at the coil clip.\n"
    )
    assert [(les.laterality, les.devices) for les in facts.lesions] == [
        ("right", ["wire"]),
        ("left", ["wire"]),
    ]


def test_lesions_an_ehr_consult_with_an_order_places_nothing():
    text = (
        "LOCAL TITLE: GEN SURG CONSULT REPLY\nSTANDARD TITLE: SURGERY CONSULT\n"
        "SUBJECTIVE: two right breast sites, stereotactic biopsies with clips.\n"
        "ASSESSMENT/PLAN:\n1. Will need preop localization of both clip sites, stereotactic.\n"
        "2. Order entered: BREAST LOC DEVICE STEREO 1ST LESION RT and BREAST LOC DEVICE STEREO "
        "ADDL LESION RT.\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_lesions_a_hyphenated_chest_wall_nodule_is_not_breast(facts_of):
    facts = facts_of(
        "Indication: left mastectomy 2019. New nodule in the left chest-wall soft tissues.\n"
        "Procedure: Ultrasound-guided Magseed localization of the left chest-wall nodule. Under "
        "real-time ultrasound a Magseed was deployed into the nodule."
    )
    assert facts.lesions == []


def test_session_a_paused_sitting_asks():
    text = (
        "Left breast: 1 o'clock IDC and 8 o'clock DCIS, separate sites 6 cm apart.\n"
        "Prone table, left breast. 1 o'clock: scout, stereo pair, Magseed deployed at the coil "
        "clip.\n{pause}8 o'clock: new scout and stereo pair on the ribbon clip; Magseed deployed.\n"
    )
    assert locaudit.assess(text.format(pause="")).verdict == "supported"
    paused = "Her appointment could not be moved, so the procedure was paused partway.\n"
    assert locaudit.assess(text.format(pause=paused)).verdict == "needs_review"


def test_session_a_placement_date_field_on_another_day_asks():
    text = (
        "DOS 04/14/2025\nProcedure: Stereotactic LOCalizer tag placement, left breast, 2 lesions.\n"
        "Lesion 1 - left 10:00, wing clip. Date/time: 04/14/2025 14:40. Stereo pair; LOCalizer "
        "tag deployed.\nLesion 2 - left 3:00, coil clip. Date/time: {day} 15:05. Stereo pair; "
        "LOCalizer tag deployed.\n"
    )
    assert locaudit.assess(text.format(day="4/14/25")).verdict == "supported"
    assert locaudit.assess(text.format(day="04/15/2025")).verdict == "needs_review"


def test_side_of_the_breast_on_the_table_is_not_carried_past_a_repositioning(facts_of):
    text = (
        "{title}Technique: prone stereotactic table.\n"
        "Findings: The right breast was compressed in the CC projection. A stereo pair targeted "
        "the coil clip at 9 o'clock and a SAVI SCOUT reflector was deployed.\n"
        "The patient was then repositioned. The second target, the barbell clip at 1 o'clock, "
        "was localized under stereotactic guidance and a second reflector was deployed.\n"
    )
    sides = [les.laterality for les in facts_of(text.format(title="")).lesions]
    assert sides == ["right", None]
    # the procedure's own side, said for the whole procedure, still covers both
    titled = text.format(title="Procedure: Right breast stereotactic localization, two sites.\n")
    assert [les.laterality for les in facts_of(titled).lesions] == ["right", "right"]


def test_one_device_at_each_listed_site_is_one_lesion_each(facts_of):
    labelled = (
        "EXAM: STEREOTACTIC REFLECTOR LOCALIZATION, LEFT BREAST, 3 SITES\n"
        "INDICATION:\nSite A - left 1 o'clock, IDC, ribbon clip.\n"
        "Site B - left 4 o'clock, DCIS, coil clip.\nSite C - left 11 o'clock, ADH, wing clip.\n"
        "TECHNIQUE: All placements on the prone stereotactic table. A SAVI SCOUT reflector was "
        "placed at each site through the 16 G delivery needle.\n"
    )
    facts = facts_of(labelled)
    assert [les.devices for les in facts.lesions] == [["radar_reflector"]] * 3
    assert [les.clock for les in facts.lesions] == [1.0, 4.0, 11.0]
    listed = (
        "EXAM: RIGHT BREAST STEREOTACTIC MAGSEED LOCALIZATION, TWO SITES\nSites:\n"
        "  9:00, 4 cm FN, cylinder clip.\n  12:00, 8 cm FN, coil clip.\n"
        "All placements on the prone stereotactic table. Own stereo pair for {each}, Magseed "
        "deployed {at}.\n"
    )
    facts = facts_of(listed.format(each="each", at="at each"))
    assert [les.clock for les in facts.lesions] == [9.0, 0.0]
    # one device placed, with nothing said of the other site: one lesion
    assert len(facts_of(listed.format(each="the first", at="there")).lesions) == 1


def test_a_placement_that_should_be_straightforward_is_a_plan(facts_of):
    facts = facts_of(
        "Exam: breast imaging consult.\nComments: both clips are well seen, so stereotactic "
        "placement of one magnetic seed per lesion should be straightforward."
    )
    assert facts.lesions == []


def test_several_devices_in_one_place_with_no_word_on_bracketing_ask():
    text = (
        "Procedure: left breast, prone stereotactic table, stereo pair. Two SCOUT reflectors were "
        "placed in the left upper outer quadrant calcifications{how}.\n"
    )
    record = locaudit.assess(text.format(how=""))
    assert record.verdict == "needs_review" and len(record.lesions) == 2
    assert "SEPARATENESS_UNCLEAR" in {f.code for f in record.findings}
    bracketed = locaudit.assess(text.format(how=", bracketing the calcifications"))
    assert bracketed.verdict == "not_supported" and len(bracketed.lesions) == 1


def test_a_depth_word_before_a_clock_face_tells_lesions_apart():
    text = (
        "Left breast, two separate lesions at 10 o'clock, 7 cm apart. Prone stereotactic table. "
        "The {a} 10 o'clock ribbon clip was targeted on a stereo pair and a SCOUT reflector "
        "deployed. A new stereo pair was obtained for the {b} 10 o'clock coil clip and a second "
        "SCOUT reflector deployed."
    )
    apart = locaudit.assess(text.format(a="anterior", b="posterior"))
    assert apart.verdict == "supported" and len(apart.lesions) == 2
    # with no depth word nothing in the place tells them apart: the decision asks (R25)
    assert locaudit.assess(text.format(a="", b="")).verdict == "needs_review"


def test_three_sites_each_given_a_wire_and_then_the_third_wire_is_three_lesions(facts_of):
    facts = facts_of(
        "IMPRESSION: Three separate left breast lesions localized with hookwires under "
        "stereotactic guidance:\n - 10-o'clock mass\n - subareolar calcifications\n"
        " - 3 o'clock asymmetry\nPROCEDURE: Left breast, three sites. For each site a stereo "
        "pair was obtained and the hookwire deployed.\nShe felt faint after the second wire and "
        "recovered. The third wire was then placed without further event.\n"
    )
    assert len(facts.lesions) == 3
    assert {les.clock for les in facts.lesions} == {10.0, 3.0, None}


def test_a_placement_at_a_return_visit_leaves_the_session_open():
    text = (
        "PROCEDURE: Stereotactic SCOUT localization, right breast, two lesions.\nProne, right "
        "breast. The wing clip at 2 o'clock was targeted on a stereo pair and a SCOUT reflector "
        "deployed.\nThe 8 o'clock reflector was placed {when}: the hourglass clip targeted on a "
        "stereo pair and a second SCOUT reflector deployed.\n"
    )
    assert locaudit.assess(text.format(when="next")).verdict == "supported"
    assert locaudit.assess(text.format(when="at the return visit")).verdict == "needs_review"


def test_repositioning_drops_the_side_the_last_sentence_gave(facts_of):
    facts = facts_of(
        "History: right 10:00 carcinoma (coil clip) and DCIS at 2:00 (ribbon clip).\n"
        "Procedure: Prone stereotactic table. The right breast was positioned; stereo pair; an "
        "I-125 seed was deposited at the coil clip.\nThe patient was repositioned for the 2:00 "
        "target; new stereo pair; a second I-125 seed was deposited at the ribbon clip.\n"
    )
    assert [les.laterality for les in facts.lesions] == ["right", None]


def test_an_operative_report_counts_the_localization_its_author_did_at_the_unit():
    text = (
        "OPERATIVE REPORT\nPROCEDURES PERFORMED:\n1. Stereotactic needle localization, left "
        "breast, two lesions (surgeon-performed).\n2. Left partial mastectomy.\nPROCEDURE IN "
        "DETAIL: {how}\nIn the OR the wires were excised with the surrounding tissue.\n"
    )
    done = (
        "At the upright stereotactic unit the left 2:00 ribbon clip was targeted with a stereo "
        "pair and a Kopans wire placed. The 6:00 coil clip was then targeted with its own stereo "
        "pair and a second Kopans wire placed; separate lesions."
    )
    assert locaudit.assess(text.format(how=done)).verdict == "supported"
    before = "The patient arrived from radiology with two stereotactically placed wires."
    assert locaudit.assess(text.format(how=before)).verdict == "not_applicable"


def test_european_clock_faces_and_a_denied_bracketing(facts_of):
    facts = facts_of(
        "Procedure: Prone stereotactic table, left breast.\nLesion A (10 h, anterior third, "
        "3 cm FN): stereo pair, 20G hookwire, tip at the clip.\nLesion B (10 h, posterior third, "
        "8 cm FN): new stereo pair, second hookwire; this is a separate lesion, not bracketing.\n"
        "Dressing 2 h later."
    )
    assert [les.clock for les in facts.lesions] == [10.0, 10.0]
    assert facts.negated_placements == []


def test_one_kopans_wire_is_not_several(facts_of):
    facts = facts_of(
        "Right 6:00 DCIS, ribbon clip. Prone table, stereo pair, 9 cm Kopans wire placed; hook "
        "4 mm beyond the clip."
    )
    assert len(facts.lesions) == 1 and facts.separateness_unclear == []


def test_a_displaced_wire_and_its_replacement_mark_one_lesion(facts_of):
    facts = facts_of(
        "Single target: right 12:00 DCIS with ribbon clip. Prone stereotactic table. Stereo pair; "
        "wire deployed at the clip. On release of compression the wire withdrew. A new stereo "
        "pair was obtained and a second wire placed at the clip.\nIMPRESSION: Stereotactic wire "
        "localization of the right 12:00 lesion; the wire was replaced. One lesion localized."
    )
    assert len(facts.lesions) == 1


def test_a_control_mammogram_after_seed_localization_places_nothing():
    text = (
        "Examination: Mammography left, control after RSL\nIndication: control after radioactive "
        "seed localisation of two lesions this morning (separate report).\nFindings: two I-125 "
        "seeds in the left breast at 2 h and 11 h.\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_post_procedure_views_inside_a_paragraph_restate(facts_of):
    facts = facts_of(
        "Prone stereotactic table, right breast. The 11 o'clock calcifications were biopsied with "
        "a 9 gauge vacuum device and a ribbon marker was deployed at the biopsy site. A stereo "
        "pair of the barbell clip at 7 o'clock was obtained and a SCOUT reflector deployed. Post "
        "procedure CC and ML mammogram: ribbon clip at the 11 o'clock biopsy site, SCOUT "
        "reflector 2 mm from the barbell clip at 7 o'clock."
    )
    assert sorted(les.devices[0] for les in facts.lesions) == ["clip", "radar_reflector"]
    assert all(len(les.devices) == 1 for les in facts.lesions)


def test_a_plan_of_several_steps_is_a_plan(facts_of):
    facts = facts_of(
        "The patient was scheduled for stereotactic biopsy of right 7:00 calcifications and a "
        "stereotactic wire localization of her known right 11:00 IDC. The calcifications were "
        "dermal; no biopsy was performed and no localization was performed today."
    )
    assert facts.lesions == []


def test_two_wires_in_one_quadrant_beside_a_biopsy_clip_ask():
    record = locaudit.assess(
        "Left breast: 6:00 calcifications, prone table, stereo pair, 9-gauge vacuum biopsy, ribbon "
        "clip deployed.\nRight breast: under stereotactic guidance two wires were placed in the "
        "right upper outer quadrant, the first at the coil clip and the second 2 cm superior to it."
    )
    assert record.verdict == "needs_review"


def test_session_a_table_time_after_the_recorded_end_asks():
    text = (
        "DOS: 10/27/2025\nEquipment: upright stereotactic unit\nProcedure start: 08:02     "
        "Procedure end: 08:20\n| # | Side | Clock | Guidance | Device | Time |\n"
        "| 1 | Left | 3:00 | stereotactic | Kopans wire | 08:09 |\n"
        "| 2 | Left | 10:00 | stereotactic | Kopans wire | {time} |\nSeparate lesions: YES\n"
    )
    assert locaudit.assess(text.format(time="08:14")).verdict == "supported"
    assert locaudit.assess(text.format(time="08:41")).verdict == "needs_review"


def test_session_a_date_written_at_a_placement_asks():
    text = (
        "Date of service: 10/14/2025\nProcedure: upright stereotactic unit.\nSeed 1: left 10:00 "
        "ribbon clip targeted with a stereo pair; Magseed deployed at the clip.\nSeed 2: left "
        "4:00 coil clip (biopsied 09/30); Magseed placed {when} under stereotactic guidance.\n"
        "Impression: both Magseeds placed, left 10:00 and 4:00, separate lesions.\n"
    )
    assert locaudit.assess(text.format(when="10/14")).verdict == "supported"
    assert locaudit.assess(text.format(when="10/08")).verdict == "needs_review"


def test_tomosynthesis_on_the_prone_table_is_tomosynthesis(facts_of):
    tomo = facts_of(
        "After consent the patient was placed on the prone table. Both sites were localized "
        "under 3D guidance on the prone table: left 12 o'clock ribbon clip and left 4 o'clock "
        "coil clip. A hookwire was placed at each site."
    )
    assert [les.guidance for les in tomo.lesions] == [None, None]
    stereo = facts_of(
        "After consent the patient was placed on the prone table. Both sites were localized "
        "with stereo pairs on the prone table: left 12 o'clock ribbon clip and left 4 o'clock "
        "coil clip. A hookwire was placed at each site."
    )
    assert [les.guidance for les in stereo.lesions] == ["stereotactic", "stereotactic"]


def test_no_wire_at_a_site_takes_its_lesion_back(facts_of):
    facts = facts_of(
        "Upright unit. L 2:00: scout/stereo, 9 cm Kopans wire, hook at clip.\nBefore the second "
        "localization she no longer wished to have the 12:00 papilloma removed. No wire at "
        "12:00.\n"
    )
    assert [les.clock for les in facts.lesions] == [2.0]


def test_lesions_named_by_depth_in_one_quadrant_called_separate_are_told_apart():
    text = (
        "STEREOTACTIC NEEDLE LOCALIZATION, LEFT BREAST, TWO LESIONS\nTwo clusters of "
        "calcifications in the left upper outer quadrant, each biopsied.\nProne stereotactic. "
        "Anterior cluster: stereo pair, ribbon clip targeted, wire placed. Posterior cluster: "
        "stereo pair, coil clip targeted, second wire placed.\nImpression: stereotactic wire "
        "localization of two {kind} left breast lesions (anterior and posterior UOQ clusters)."
    )
    assert locaudit.assess(text.format(kind="separate")).verdict == "supported"
    assert locaudit.assess(text.format(kind="")).verdict == "needs_review"


def test_session_log_times_without_colons_and_times_in_parentheses():
    log = (
        "EPISODE LOG - Stereo Localization (prone)\nProcedure start 0940\n0951 Site 1 R 9:00 "
        "ant, ribbon clip -> Magseed, stereo pair ok\n{end} Procedure end. Post CC/ML.\n"
        "1031 Site 2 R 5:00 post, coil clip (separate bx site) -> Magseed, stereo pair ok\n"
    )
    assert locaudit.assess(log.format(end="1040")).verdict == "supported"
    assert locaudit.assess(log.format(end="1003")).verdict == "needs_review"
    paren = (
        "Stereotactic wire localization right breast, 10:00 (08:20): ribbon clip. Prone, stereo "
        "pair, 7 cm wire.\nStereotactic wire localization right breast, 7:00 ({at}): coil clip, a "
        "separate lesion. Prone, stereo pair, 5 cm wire.\n"
    )
    assert locaudit.assess(paren.format(at="08:50")).verdict == "supported"
    assert locaudit.assess(paren.format(at="15:40")).verdict == "needs_review"


def test_a_plan_for_tomorrow_beside_a_denial_today_is_a_plan(facts_of):
    facts = facts_of(
        "The 11:00 wire localization is being done in the operating room by ultrasound "
        "tomorrow per the surgeon, so no device was placed today."
    )
    assert facts.lesions == []


def test_a_depth_word_before_the_finding_tells_placements_apart(facts_of):
    facts = facts_of(
        "Upright unit, right breast. A wire was placed in the anterior calcifications at 12 "
        "o'clock. A second wire was placed in the posterior calcifications at 12 o'clock, at the "
        "ribbon clip."
    )
    assert [les.depth for les in facts.lesions] == ["anterior", "posterior"]


def test_charge_lines_and_a_post_localization_exam_document_nothing():
    charges = (
        "CHARGE CAPTURE - Breast Imaging\nLines entered: 19283-LT x1, 19284-LT x1 (2 stereo "
        "wires L breast per tech log)\n"
    )
    assert locaudit.assess(charges).verdict == "not_applicable"
    exam = (
        "EXAM: MAMMOGRAM, DIAGNOSTIC, LEFT (POST-LOCALIZATION)\nFindings: two localization wires "
        "are present, one in the upper outer quadrant and one in the lower inner quadrant.\n"
    )
    assert locaudit.assess(exam).verdict == "not_applicable"


def test_two_wires_in_one_sentence_at_two_depths_are_two_placements(facts_of):
    facts = facts_of(
        "Two separate lesions lie along the right 10:00 axis. Each was targeted on the prone "
        "stereotactic table with its own stereo pair. A 7 cm Kopans wire was placed at the "
        "anterior ribbon clip and a 10 cm Kopans wire at the posterior coil clip."
    )
    assert sorted(les.depth for les in facts.lesions) == ["anterior", "posterior"]


def test_one_wire_per_lesion_with_one_place_named_uses_the_list(facts_of):
    facts = facts_of(
        "Wire localization, left breast, two separate lesions\nUOQ lesion at 2 o'clock (ribbon "
        "clip) and LIQ lesion at 7 o'clock (coil clip). Prone table, left breast. Stereo pairs "
        "for each site. Two wires, one per "
        "lesion, the 2 o'clock one placed first."
    )
    assert sorted(les.clock for les in facts.lesions) == [2.0, 7.0]


def test_a_site_not_localized_is_no_lesion():
    text = (
        "Left 1:00: prone table, scout and stereo pair on the ribbon clip, hookwire deployed.\n"
        "Left 6:00: coil clip at the chest wall; could not be brought into the stereo window. "
        "A needle was not placed.\nIMPRESSION: Stereotactic wire localization of left 1:00. "
        "Left 6:00 site {how}."
    )
    assert locaudit.assess(text.format(how="not localized (not accessible)")).verdict == (
        "not_supported"
    )


def test_an_interpreters_translation_documents_nothing(facts_of):
    facts = facts_of(
        "DESCRIPTION: Prone stereotactic table. Lesion 1, left breast 1 o'clock: stereo pair, "
        "hookwire at the ribbon clip. Lesion 2, 6 o'clock: stereo pair, hookwire at the coil "
        "clip.\n---\nTRADUCCIÓN - Servicios de Intérprete (no revisada por el radiólogo)\nSe "
        "colocaron dos arpones guiados por estereotaxia en la mama izquierda.\n"
    )
    assert [les.laterality for les in facts.lesions] == ["left", None]


def test_a_clip_named_as_the_target_is_not_placed(facts_of):
    facts = facts_of(
        "Site 1, left 12 o'clock (IDC, ribbon clip): stereo pair, hookwire deployed.\nSite 2, "
        "left 8 o'clock (DCIS, coil clip), a separate lesion: stereo pair, and a localizer was "
        "placed at the clip.\nIMPRESSION: Stereotactic localization of two separate left "
        "breast sites."
    )
    assert all("clip" not in les.devices for les in facts.lesions)
    # ... but a clip placed inside the aside is placed
    biopsy = facts_of(
        "Stereotactic biopsy of the left 2:00 calcifications (9 G VAB x 8, coil clip deployed)."
    )
    assert [les.devices for les in biopsy.lesions] == [["clip"]]


def test_a_form_that_gives_a_lesion_two_sides_leaves_its_side_open(facts_of):
    facts = facts_of(
        "LESION 1 / LESIÓN 1\n  Breast / Mama: Left / Izquierda\n  Clock / Hora: 1:00\n  Device: "
        "SCOUT reflector placed\nLESION 2 / LESIÓN 2\n  Breast / Mama: Left / Derecha\n  Clock / "
        "Hora: 10:00\n  Device: SCOUT reflector placed\n"
    )
    assert [les.laterality for les in facts.lesions] == ["left", None]


def test_a_separate_cluster_at_one_place_is_that_sentences_lesion(facts_of):
    facts = facts_of(
        "Procedure: prone stereotactic table.\n(1) Right breast, 9 o'clock, 6 cm from nipple - "
        "cluster targeted on stereo pair; one I-125 seed was deployed.\n(2) Right breast, 11 "
        "o'clock, 3 cm from nipple - this is a separate cluster, 4.5 cm away from the first. The "
        "same was done and one I-125 seed was deployed.\n"
    )
    assert [les.clock for les in facts.lesions] == [9.0, 11.0]


def test_a_place_said_just_after_a_biopsy_is_the_biopsys(facts_of):
    facts = facts_of(
        "Combined procedure: stereotactic vacuum-assisted biopsy left breast 5:00 and "
        "stereotactic wire localization left breast 1:00.\n5:00: prone stereotactic table, stereo "
        "pair, 9 g vacuum-assisted biopsy, 12 cores; a coil clip was placed at the biopsy site.\n"
        "1:00: CC approach, stereo pair, 7 cm hookwire placed through the ribbon clip.\n"
    )
    devices = {les.clock: les.devices for les in facts.lesions}
    assert devices == {5.0: ["clip"], 1.0: ["wire"]}


def test_an_mri_grid_is_mri_guidance_and_a_side_clock_line_ends_a_history(facts_of):
    mri = facts_of(
        "SITE C - LEFT 9:00\nGuidance: MRI (1.5 T), prone breast coil, left breast in the "
        "lateral grid, gadobutrol. I-125 seed placed via an MR-conditional needle.\n"
    )
    assert [les.guidance for les in mri.lesions] == ["mri"]
    terse = facts_of(
        "Hx: L 11:00 DCIS (coil clip). R 10:00 IDC (Tumark clip).\nL 11:00: CC appr, stereo pair, "
        "20g 9 cm wire thru coil clip.\nR 10:00: CC appr, stereo pair, 20g 9 cm wire beyond "
        "Tumark.\n"
    )
    assert [les.laterality for les in terse.lesions] == ["left", "right"]


def test_a_dashed_site_heading_starts_that_lesions_block(facts_of):
    facts = facts_of(
        "SITE A - RIGHT 12:00, 5 cm FN\nGuidance: prone stereotactic, stereo pair.\nDevice: I-125 "
        "seed, via 18 g needle.\nResult: seed 2 mm from the ribbon clip.\nSITE B - LEFT 4:00, 8 cm "
        "FN\nGuidance: prone stereotactic, stereo pair.\nDevice: I-125 seed.\nResult: seed at the "
        "coil clip.\n"
    )
    assert [(les.laterality, les.clock) for les in facts.lesions] == [("right", 0.0), ("left", 4.0)]


def test_a_letter_to_the_patient_places_nothing():
    letter = (
        "Dear Ms. Lindqvist-Parr,\n\nYou are scheduled for a stereotactic Magseed localization of "
        "two areas in your left breast. The radiologist will use stereotactic guidance to place a "
        "tiny magnetic seed at each of the two biopsy clips.\n"
    )
    assert locaudit.assess(letter).verdict == "not_applicable"


def test_an_aside_negates_what_it_follows_only_when_it_opens_with_the_negation():
    text = (
        "Left 3:00: stereo pair, LOCalizer tag deployed. Left 9:00, a separate lesion: stereo "
        "pair, second LOCalizer tag deployed.\nImpression: RFID tag localization of two separate "
        "left breast lesions in one session ({aside})."
    )
    record = locaudit.assess(text.format(aside="re-localization after cancelled surgery"))
    assert record.verdict == "supported"


def test_post_procedure_views_that_show_restate(facts_of):
    facts = facts_of(
        "Prone stereotactic table. The 12:00 coil clip was targeted and a Magseed deployed. The "
        "2:00 ribbon clip was targeted and a second Magseed deployed.\nPost-procedure CC and ML "
        "views show today's two seeds at their clips, and yesterday's seed at 6:00 unchanged."
    )
    assert sorted(les.clock for les in facts.lesions) == [0.0, 2.0]


def test_terse_side_letters_and_depth_abbreviations(facts_of):
    facts = facts_of(
        "R stereo NL x2 10/04/27\n12:00 PD: wire 1 at clip. 9:00 MD: wire 2 at clip first pass.\n"
        "cc/ml both at target, separate lesions.\n"
    )
    assert [(les.laterality, les.depth) for les in facts.lesions] == [
        ("right", "posterior"),
        ("right", "middle"),
    ]


def test_a_post_procedure_mammogram_form_and_a_rad_path_note_place_nothing():
    form = (
        "MammoForm 2.5 | Breast Imaging\nExam: [Mammogram, diagnostic, unilateral - "
        "post-procedure]\nFindings: post-localization views after the stereotactic procedure "
        "reported separately. Two hookwires are present, at the 3:00 and 10:00 clips.\n"
    )
    assert locaudit.assess(form).verdict == "not_applicable"
    radpath = (
        "SYNOPTIC NOTE - RADIOLOGY-PATHOLOGY CORRELATION\nStereotactic SCOUT reflector "
        "localization, left breast x2 (3 o'clock, 11 o'clock) on 2025-03-13; lumpectomy the next "
        "day. Both reflectors and clips were removed with the specimens.\n"
    )
    assert locaudit.assess(radpath).verdict == "not_applicable"


def test_a_biopsy_clip_in_an_aside_does_not_claim_the_next_place(facts_of):
    facts = facts_of(
        "RSL, bilat.\nR 11:00 4 cm FN (bx clip, IDC) and L 3:00 7 cm FN (bx clip, DCIS): I-125 "
        "seed each, prone stereo, both this visit."
    )
    assert [(les.laterality, les.clock) for les in facts.lesions] == [
        ("right", 11.0),
        ("left", 3.0),
    ]


def test_a_coder_line_above_the_report_is_an_attachment(facts_of):
    facts = facts_of(
        "Coder: query sent re lesion 2 side (10/22). Holding 19284.\nBilled (pending): 19283-LT "
        "x1, 19284 x1\nMercy Crest Breast Center\nSTEREOTACTIC SCOUT LOCALIZATION - LEFT BREAST\n"
        "Under stereotactic guidance SCOUT reflectors were placed as follows:\n  * 4:00, 6 cm FN - "
        "reflector at the bowtie clip.\n  * 9:00, 3 cm FN - a separate lesion; reflector at the "
        "coil clip.\n"
    )
    assert [les.laterality for les in facts.lesions] == ["left", "left"]


def test_a_qc_log_and_a_specimen_radiograph_place_nothing():
    qc = (
        "Northwoods Mobile Mammography - Stereotactic QC Log\nLocalization accuracy test: stereo "
        "pair on a gelatin block phantom; localization needle advanced and wires deployed at "
        "target A and target B. PASS.\n"
    )
    assert locaudit.assess(qc).verdict == "not_applicable"
    specimen = (
        "*** RADIOLOGY REPORT ***\n (Case 0933 COMPLETE) SPECIMEN RADIOGRAPH (BREAST)\n"
        "Clinical History: left partial mastectomy, two wire-localized sites.\nReport: two "
        "specimens, each with its wire and clip.\n"
    )
    assert locaudit.assess(specimen).verdict == "not_applicable"


def test_a_seed_chain_of_custody_form_places_nothing():
    form = (
        "RADIATION SAFETY - I-125 SEED CHAIN OF CUSTODY\nImplanted 07/22/2025: 3 seeds, left "
        "breast (lesion 1: 2 seeds; lesion 2: 1 seed).\nSurgery 07/29/2025: specimen A (left "
        "3:00) 2 seeds recovered; specimen B (left 11:00) 1 seed recovered.\n"
    )
    assert locaudit.assess(form).verdict == "not_applicable"


def test_an_abscess_drain_and_a_spanish_recommendation_place_nothing():
    drain = (
        "Procedure: Ultrasound-guided drainage of left breast abscess. Under real-time ultrasound "
        "an 18 gauge needle was advanced into the collection at left 3:30. A 0.035 guidewire was "
        "coiled in the cavity and an 8 Fr pigtail drain placed.\n"
    )
    assert locaudit.assess(drain).verdict == "not_applicable"
    recommendation = (
        "Exam / Estudio: GALACTOGRAFÍA MAMA DERECHA\nImpresión: defecto de llenado a las 10 h. "
        "Se recomienda biopsia guiada por ecografía o escisión con localización previa.\n"
    )
    assert locaudit.assess(recommendation).verdict == "not_applicable"


def test_a_lesions_side_keeps_its_evidence(facts_of):
    facts = facts_of(
        "Stereotactic wire localization. A wire was placed in the left breast at 2:00 under "
        "stereotactic guidance."
    )
    (lesion,) = facts.lesions
    assert lesion.laterality == "left" and lesion.laterality_evidence


def test_left_after_its_subject_is_a_verb(facts_of):
    facts = facts_of(
        "Right breast 7:00: stereo pair, SCOUT reflector deployed. Right 11:00: second SCOUT "
        "reflector deployed. Both tested with the console before she left."
    )
    assert {les.laterality for les in facts.lesions} == {"right"}
