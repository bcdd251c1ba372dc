"""Unit tests per component: segmenter, sections, concepts, context."""

from __future__ import annotations

import pytest
import spacy

from locaudit.nlp.extensions import CONCEPTS_KEY


def _sents(nlp, text):
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def test_segmenter_joins_wrapped_lines(nlp):
    sents = _sents(nlp, "A wire was placed in the\nupper outer quadrant. No complications.")
    assert sents == ["A wire was placed in the\nupper outer quadrant.", "No complications."]


def test_segmenter_joins_a_line_that_stops_on_an_article(nlp):
    doc = nlp(
        "Then I placed the second\nLOCalizer tag behind the clip.\n"
        "Device: [X] Wire N/A\nLESION 2: R"
    )
    sents = [s.text.strip() for s in doc.sents]
    assert "Then I placed the second\nLOCalizer tag behind the clip." in sents
    assert any(s.startswith("LESION 2") for s in sents)


def test_segmenter_splits_headers_and_bullets(nlp):
    sents = _sents(nlp, "FINDINGS:\n- wire at 2:00\n- wire at 10:00\n\nIMPRESSION: done")
    assert "- wire at 2:00" in sents and "- wire at 10:00" in sents


def test_segmenter_ends_sentences_at_spoken_punctuation(nlp):
    sents = _sents(
        nlp,
        "these two wires bracket one lesion period the six o'clock clip was targeted new line "
        "site B wire deployed",
    )
    assert sents == [
        "these two wires bracket one lesion period",
        "the six o'clock clip was targeted new line",
        "site B wire deployed",
    ]


def test_segmenter_keeps_period_in_its_sense(nlp):
    sents = _sents(nlp, "after a period of observation the patient left the recovery period ok")
    assert len(sents) == 1


def test_sections_dictated_findings_header_without_colon(nlp):
    doc = nlp("procedure wire placed at 2:00\npost procedure mammogram the wire at 2:00")
    assert [name for _, _, name in doc._.locaudit_sections][-1] == "findings"


def test_sections_finds_headers_with_crlf(nlp):
    doc = nlp("HISTORY: prior clip.\r\nPROCEDURE: wire placed.\r\nIMPRESSION: ok.")
    names = [name for _, _, name in doc._.locaudit_sections]
    assert names[-3:] == ["history", "procedure", "impression"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A Kopans wire was placed.", "wire"),
        ("A SAVI SCOUT reflector was deployed.", "radar_reflector"),
        ("A Magseed was placed.", "magnetic_seed"),
        ("The paramagnetic localizing marker was deployed.", "magnetic_seed"),
        ("An I-125 seed was placed.", "radioactive_seed"),
        ("A LOCalizer tag was placed.", "rfid_tag"),
        ("A HydroMARK clip was deployed.", "clip"),
    ],
)
def test_concepts_device_types(nlp, text, value):
    doc = nlp(text)
    devices = [s.kb_id_ for s in doc.spans[CONCEPTS_KEY] if s.label_ == "DEVICE"]
    assert value in devices


@pytest.mark.parametrize(
    "text",
    ["The aneurysm clip is MRI conditional.", "Hemoclips were applied.", "A skin marker BB."],
)
def test_concepts_blocks_false_friends(nlp, text):
    doc = nlp(text)
    assert not [s for s in doc.spans[CONCEPTS_KEY] if s.label_ == "DEVICE"]


def test_concepts_a_device_in_place_is_no_act_of_placing(nlp):
    doc = nlp("Target: right 8:00 calcifications, UltraClip in place, marked by a coil clip.")
    assert [s.text for s in doc.spans[CONCEPTS_KEY] if s.label_ == "PLACE"] == []
    doc = nlp("The biopsy site was marked with a clip.")
    assert [s.text for s in doc.spans[CONCEPTS_KEY] if s.label_ == "PLACE"] == ["marked"]


def test_concepts_ocr_misreadings_of_sides_and_clips(nlp):
    doc = nlp("Post-procedure night CC: wire at the c1ip in the 1eft breast, 1eft 2:00.")
    found = [(s.label_, s.kb_id_) for s in doc.spans[CONCEPTS_KEY]]
    assert ("LATERALITY", "right") in found and ("DEVICE", "clip") in found
    assert found.count(("LATERALITY", "left")) == 2


def test_concepts_a_clock_face_without_its_o(nlp):
    doc = nlp("ILC at the 3 clock position; stereo pair on the 3 clock coil clip. 3 clock times.")
    clocks = [s.text for s in doc.spans[CONCEPTS_KEY] if s.label_ == "LOCATION"]
    assert clocks == ["3 clock position", "3 clock coil"]


def test_concepts_a_lettered_site_before_a_colon(nlp):
    doc = nlp("Title\nSite (a): CC approach. Site (b): new stereo pair.")
    labels = [s.text for s in doc.spans[CONCEPTS_KEY] if s.label_ == "LESION"]
    assert labels == ["Site (a):", "Site (b):"]


def test_concepts_sentinel_node_localization_is_no_breast_placement(nlp):
    doc = nlp("Today, for sentinel lymph node localization, 2 mL of Magtrace was injected.")
    assert [s.text for s in doc.spans[CONCEPTS_KEY] if s.label_ == "PLACE"] == []


def test_concepts_the_localizer_brand_and_a_generic_localizer(nlp):
    def devices(text):
        doc = nlp(text)
        return [s.kb_id_ for s in doc.spans[CONCEPTS_KEY] if s.label_ == "DEVICE"]

    assert "rfid_tag" in devices("A LOCalizer was deployed at the clip.")
    assert "rfid_tag" in devices("a second localizer tag was placed")
    assert "rfid_tag" not in devices("The localizer was placed at the clip.")
    assert "rfid_tag" not in devices("Pre-contrast localizer images obtained.")


def test_concepts_what_the_note_takes_back_is_dropped(nlp):
    def said(text, label):
        doc = nlp(text)
        return [s.kb_id_ for s in doc.spans[CONCEPTS_KEY] if s.label_ == label]

    assert said("Lesion 2: left, I'm sorry, right breast 1 o'clock.", "LATERALITY") == ["right"]
    assert "wire" not in said(
        "For this one a wire, scratch that, a [inaudible] was placed.", "DEVICE"
    )
    assert said("Lesion 2: <del>left</del> breast 1 o'clock.", "LATERALITY") == []
    assert said("~~wire~~ Magseed deployed.", "DEVICE") == ["magnetic_seed"]


def test_concepts_left_as_verb_is_not_a_side(nlp):
    doc = nlp("The wire was left in place.")
    sides = [s for s in doc.spans[CONCEPTS_KEY] if s.label_ == "LATERALITY"]
    assert sides == []


def _device_status(nlp, text, device_text):
    doc = nlp(text)
    for span, ctx in zip(doc.spans[CONCEPTS_KEY], doc._.locaudit_context):
        if span.label_ == "DEVICE" and span.text.lower() == device_text:
            return ctx
    raise AssertionError(f"{device_text!r} not found")


@pytest.mark.parametrize(
    ("text", "device", "status"),
    [
        ("No wire was placed in the second lesion.", "wire", "negated"),
        ("The second wire was not placed due to a vasovagal reaction.", "wire", "negated"),
        ("A wire will be placed tomorrow.", "wire", "hypothetical"),
        ("The previously placed clip was targeted.", "clip", "historical"),
        ("A wire was placed in the left breast.", "wire", "affirmed"),
        ("Note.\nBack in 2014 I put a wire in her left breast at 4 o'clock.", "wire", "historical"),
        (
            "Note.\nShe was scheduled this morning for stereotactic wire localization.",
            "wire",
            "hypothetical",
        ),
        ("Note.\nThe wire localization was scheduled for Friday.", "wire", "hypothetical"),
        ("Note.\nThe order was for two seeds, at 9 and 11 o'clock.", "seeds", "hypothetical"),
        ("Note.\nThe margin was insufficient for safe clip deployment.", "clip", "negated"),
    ],
)
def test_context_status(nlp, text, device, status):
    assert _device_status(nlp, text, device).status == status


def test_context_target_device_is_not_a_new_device(nlp):
    ctx = _device_status(nlp, "A wire was placed through the coil clip.", "coil clip")
    assert ctx.target


def test_components_are_registered_factories():
    from locaudit.nlp import pipeline  # noqa: F401  registers the factories

    nlp = spacy.blank("en")
    for name in (
        "locaudit_segmenter",
        "locaudit_sections",
        "locaudit_concepts",
        "locaudit_context",
        "locaudit_lesions",
    ):
        nlp.add_pipe(name)
    doc = nlp("Lesion 1: left 2:00, wire placed. Lesion 2: left 10:00, wire placed.")
    assert len(doc._.locaudit_facts.lesions) == 2


def _engine_status(text: str, concept: str) -> str:
    from locaudit.nlp.context import ContextMatcher

    nlp = spacy.blank("en")
    engine = ContextMatcher(nlp)
    doc = nlp.make_doc(text)
    i = text.index(concept)
    span = doc.char_span(i, i + len(concept), alignment_mode="expand")
    triggers = engine.triggers(doc)
    return engine.classify(doc, span.start, span.end, 0, len(doc), triggers).status


@pytest.mark.parametrize(
    ("text", "concept", "status"),
    [
        # a phrase listed both forward and backward ('was not') still negates what follows
        ("She was not lightheaded.", "lightheaded", "negated"),
        # a trigger inside a long mention does not negate the mention
        ("Skin is warm and dry without lesion.", "Skin is warm and dry without lesion", "affirmed"),
        # list glue does not use up the window
        (
            "He denies fever, chills, nausea, vomiting, headache, cough, or dysuria.",
            "dysuria",
            "negated",
        ),
        (
            "Return to the clinic if she develops fever, redness, swelling, or drainage.",
            "drainage",
            "hypothetical",
        ),
        (
            "Past medical history is significant for hypertension, diabetes, and gout.",
            "gout",
            "historical",
        ),
        # uncertainty is not a hypothetical
        ("Findings are suspicious for malignancy.", "malignancy", "affirmed"),
        # 'has not changed' says the finding is still there
        ("The cyst has not changed in size.", "cyst", "affirmed"),
        # the date of service is this session
        ("Wire localization DOS 04/11/2024.", "Wire", "affirmed"),
        ("The clip from 03/02/2024 was targeted.", "clip", "historical"),
        ("The wire was declined by the patient.", "wire", "negated"),
        ("A wire is scheduled for tomorrow.", "wire", "hypothetical"),
    ],
)
def test_context_engine_scope(text, concept, status):
    assert _engine_status(text, concept) == status


def test_sections_history_ends_at_a_lesion_header_with_a_clock_face(nlp):
    for header in ("LESION 1 (12:00):", "BREAST SITE 1 (10:00):"):
        text = (
            "INDICATION: Left 12:00 DCIS (ribbon clip) and left 9:00 IDC (coil clip).\n"
            f"{header} Prone stereotactic table; 20 G hookwire through the ribbon clip.\n"
        )
        sections = nlp(text)._.locaudit_sections
        body = text.index(header)
        assert [name for start, end, name in sections if start <= body < end] == ["other"]


def test_sections_a_history_sentence_and_a_supply_list(nlp):
    doc = nlp(
        "History is of a 56-year-old with DCIS at left 10 o'clock.\n\n"
        "Prone stereotactic table; wires deployed.\nSUPPLIES: Kopans 20 G wire x2."
    )
    names = [name for _, _, name in doc._.locaudit_sections]
    assert names == ["history", "other", "supplies"]


def test_sections_history_ends_at_a_header_with_a_comma(nlp):
    text = (
        "History: left breast IDC at 2 o'clock with separate DCIS at 11 o'clock.\n"
        "Left breast, prone stereotactic table: the 2 o'clock clip was targeted."
    )
    sections = nlp(text)._.locaudit_sections
    assert sections[-1][2] == "other" and sections[-1][0] <= text.index("Left breast,")


def test_sections_run_on_history_ends_where_today_starts(nlp):
    doc = nlp(
        "This is a 66-year-old woman who comes in for seed localization of two lesions. "
        "After we went over the risks and she signed consent, we put her prone on the "
        "stereotactic table and a Magseed was deployed."
    )
    names = [name for _, _, name in doc._.locaudit_sections]
    assert names[0] == "history" and names[-1] == "other"
