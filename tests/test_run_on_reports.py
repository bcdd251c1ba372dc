"""Dictated run-on reports and the ninth session's blind sets: what a date, a count or a
place means when one long sentence tells the history and the procedure together. Each
mechanism with a near miss."""

from __future__ import annotations

import locaudit
from locaudit.nlp.extensions import CONCEPTS_KEY

RUN_ON = (
    "Exam: Stereotactic SCOUT localization right breast x2\n\n"
    "REPORT: 52-year-old with right breast DCIS in the upper outer quadrant at 10 o'clock, "
    "marked with a heart-shaped clip, and a separate invasive carcinoma at 7 o'clock marked "
    "with a cylinder clip, both from stereotactic biopsies on 02/04, lumpectomy planned for "
    "02/27 with Dr. Falk, consent and time out were done, the patient was prone on the "
    "stereotactic table, the heart clip at 10 o'clock was targeted with a stereo pair, after "
    "lidocaine a SCOUT reflector was deployed, then the breast was recompressed and the "
    "cylinder clip at 7 o'clock was targeted on a new stereo pair and a second SCOUT reflector "
    "was deployed, post procedure mammogram shows both reflectors at their clips.\n"
)


def test_a_biopsy_date_early_in_a_run_on_sentence_does_not_date_todays_placements(facts_of):
    facts = facts_of(RUN_ON)
    assert sorted(les.clock for les in facts.lesions) == [7.0, 10.0]
    assert not facts.other_session
    assert locaudit.assess(RUN_ON).verdict == "supported"


def test_a_date_beside_the_placement_still_dates_it(facts_of):
    facts = facts_of(
        "Stereotactic wire localization, left breast, 2:00 coil clip, stereo pair, wire "
        "deployed. The 8:00 lesion was localized with a SCOUT reflector on 02/04 at an outside "
        "facility."
    )
    assert [les.clock for les in facts.lesions] == [2.0]
    assert facts.other_session


def test_a_plan_date_rules_its_whole_sentence(facts_of):
    facts = facts_of(
        "Called the patient to prepare her for tomorrow's procedures: ultrasound-guided seed "
        "localization of the left 6:00 mass, then stereotactic wire localization of the left "
        "1:00 and 11:00 calcification sites, before lumpectomy."
    )
    assert not facts.lesions


IMPRESSION_FIRST = (
    "IMPRESSION:\n"
    "1. Stereotactic radioactive seed localization of three separate lesions in the left "
    "breast, all placed in one session this morning:\n"
    "   A. Left 12:00, anterior depth - DCIS, X-shaped clip - one I-125 seed.\n"
    "   B. Left 2:00, middle depth - invasive ductal carcinoma, spiral clip - one I-125 seed.\n"
    "   C. Left 4:00, posterior depth - ADH, ribbon clip - one I-125 seed.\n"
    "2. All three seeds within 3 mm of their target clips on post-procedure CC/ML.\n\n"
    "PROCEDURE: Left breast stereotactic I-125 seed localization x3.\n"
    "Prone stereotactic table. For each target a scout and stereo pair were acquired; a needle "
    "preloaded with a single I-125 seed was advanced to the clip and the seed deployed.\n"
)


def test_items_under_a_heading_that_places_name_their_devices(facts_of):
    facts = facts_of(IMPRESSION_FIRST)
    assert sorted(les.clock for les in facts.lesions) == [0.0, 2.0, 4.0]
    assert facts.stated_count == 3  # 'seed localization x3' counts localizations, not seeds
    assert locaudit.assess(IMPRESSION_FIRST).units_19284 == 2


def test_a_count_after_a_device_counts_devices(facts_of):
    facts = facts_of(
        "Stereotactic localization, left breast, 2:00 coil clip. Stereo pair; wires x2 "
        "deployed to bracket the calcifications."
    )
    assert facts.stated_count is None


def test_an_impression_item_line_goes_on_past_its_first_sentence(facts_of):
    facts = facts_of(
        "STEREOTACTIC HOOKWIRE LOCALIZATION x2, single session, prone table.\n\n"
        "IMPRESSION:\n"
        "1. Left 1:00, 8 cm FN - ribbon clip, IDC. Superior approach, stereo pair, 9 cm wire; "
        "tip 3 mm past clip.\n"
        "2. Left 7:00, 5 cm FN - coil clip, DCIS. Medial approach, stereo pair, 7 cm wire; tip "
        "at clip.\n"
        "3. Post-loc mammograms confirm both wires. No complications.\n"
    )
    assert sorted(les.clock for les in facts.lesions) == [1.0, 7.0]


def test_an_impression_list_of_findings_places_nothing(facts_of):
    facts = facts_of(
        "IMPRESSION:\n"
        "1. Left 1:00 mass with ribbon clip, biopsy-proven IDC.\n"
        "2. Left 7:00 calcifications with coil clip, DCIS.\n"
        "3. Recommend stereotactic wire localization of both sites before lumpectomy.\n"
    )
    assert not facts.lesions


def test_a_denial_of_one_site_leaves_the_other_placed(facts_of):
    text = (
        "IMPRESSION:\n"
        "1. Stereotactic wire localization, left breast 12:00 (IDC, barbell clip).\n"
        "2. Left 8:00 ribbon clip NOT localized: it could not be brought into the field. "
        "Localization of this site was deferred.\n\n"
        "PROCEDURE: Prone stereotactic table, left breast. Scout and stereo pair; 20G 9 cm "
        "Kopans wire at the 12:00 clip. No complications."
    )
    assert [les.clock for les in facts_of(text).lesions] == [0.0]
    assert locaudit.assess(text).verdict == "not_supported"


def test_a_denial_with_no_site_still_denies_the_procedure():
    text = (
        "Procedure: stereotactic wire localization, left breast x2. Pulled: Kopans wires x2. "
        "Localization was deferred; no needle placed."
    )
    assert locaudit.assess(text).verdict == "not_applicable"


def test_how_best_to_localize_is_a_recommendation(facts_of):
    facts = facts_of(
        "IMPRESSION: If excision is planned, recommend stereotactic localization of the 2 "
        "o'clock and 6 o'clock sites, which are 5 cm apart and are best localized separately "
        "rather than bracketed."
    )
    assert not facts.lesions


WRAPPED = (
    "ORDER: STEREO WIRE LOC LT x2\n"
    "INDICATION: Left breast 4:00 DCIS (coil clip). Second area of faint\n"
    "Calcifications left 10:00 for excision at the same operation.\n\n"
    "PROCEDURE: Consent, time-out, prone stereotactic table. The coil\n"
    "Clip at left 4:00 was targeted with stereo pair and a 9 cm hookwire\n"
    "Deployed, tip at clip.\n\n"
    "Attention was turned to left 10:00. The faint calcifications could\n"
    "Not be identified on the stereotactic scout. Localization of the\n"
    "10:00 site was therefore not performed.\n"
)


def test_a_line_wrapped_before_a_clock_face_goes_on(nlp):
    doc = nlp(WRAPPED)
    assert any(s.text.startswith("Localization of the\n10:00 site") for s in doc.sents)


def test_an_adverb_inside_the_verb_does_not_end_a_denial(nlp):
    doc = nlp("Localization of the 10:00 site was therefore not performed.")
    (status,) = [
        c.status
        for sp, c in zip(doc.spans[CONCEPTS_KEY], doc._.locaudit_context)
        if sp.label_ == "PLACE"
    ]
    assert status == "negated"


def test_a_clinic_notes_assessment_and_plan_is_a_plan(nlp):
    text = (
        "HPI: Stereotactic biopsies on 12/10 at left 12:00 and left 4:00 showed DCIS.\n\n"
        "ASSESSMENT/PLAN: Two separate sites of left breast DCIS. Radiology to perform "
        "stereotactic SCOUT reflector localization of both sites (12:00 and 4:00) one week "
        "before surgery; order placed.\n"
    )
    assert locaudit.assess(text).verdict == "not_applicable"
    names = [name for _s, _e, name in nlp(text)._.locaudit_sections]
    assert "plan" in names and "impression" not in names


def test_an_assessment_alone_is_still_an_impression(nlp):
    doc = nlp("ASSESSMENT: Stereotactic wire localization of two left breast lesions.")
    assert doc._.locaudit_sections[0][2] == "impression"


def test_a_history_line_without_stops_ends_where_after_consent_begins(facts_of):
    text = (
        "left breast radioactive seed localization stereotactic guidance 2 lesions\n"
        "she is a 71 year old with left twelve o'clock IDC and a second separate lesion left "
        "four o'clock DCIS both clipped at biopsy\n"
        "after consent the patient was placed prone stereotactic targeting of the twelve "
        "o'clock clip an 18 gauge seed needle was advanced and the I 125 seed deployed\n"
        "lesion 2 the four o'clock clip stereo pair obtained second seed needle advanced and "
        "the I 125 seed deployed\n"
    )
    assert sorted(les.clock for les in facts_of(text).lesions) == [0.0, 4.0]
