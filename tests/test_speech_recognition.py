"""Uncorrected front-end speech recognition: homophones a radiologist signed without reading."""

from __future__ import annotations

import pytest

import locaudit

TWO_LESIONS = (
    "Procedure: prone stereo tactic table. Site 1 write 12 o'clock: stereo pair, {device} "
    "deployed at the coil clip. Site 2 write 9 o'clock, separate lesion 4 cm lateral: new stereo "
    "pair, second {device} at the ribbon clip.\nImpression: write breast, stereotactic "
    "localization of to separate lesions, same session."
)


@pytest.mark.parametrize(
    ("heard", "device"),
    [
        ("savvy scout reflect her", "radar_reflector"),
        ("mag seat", "magnetic_seed"),
        ("5 cm hook where", "wire"),
    ],
)
def test_misheard_devices_and_sides_are_read(facts_of, heard, device):
    text = TWO_LESIONS.format(device=heard)
    facts = facts_of(text)
    assert [(les.laterality, les.devices) for les in facts.lesions] == [
        ("right", [device]),
        ("right", [device]),
    ]
    assert locaudit.assess(text).verdict == "supported"


def test_knot_placed_is_not_placed(facts_of):
    facts = facts_of(
        "Ultrasound guided core biopsy, right 10 o'clock mass, 14 gauge, five cores. A new marker "
        "clip was knot placed since the prior coil clip remains within the mass."
    )
    assert facts.lesions == []


def test_where_alone_is_no_wire(facts_of):
    facts = facts_of("The left 2:00 site, where the coil clip lies, was targeted; seed deployed.")
    assert all("wire" not in les.devices for les in facts.lesions) and facts.lesions


def test_to_separate_lesions_counts_two(facts_of):
    facts = facts_of("Stereotactic wire localization of to separate lesions, write breast.")
    assert facts.stated_count == 2


def test_a_clock_face_whose_oclock_was_dropped(facts_of):
    facts = facts_of(
        "the write breast was approached from a superior approach period stereo images were "
        "obtained of the ribbon clip at 10 period a hook where was advanced and deployed period "
        "then the coil clip at 2 period a second hook where was deployed period"
    )
    assert [les.clock for les in facts.lesions] == [10.0, 2.0]
    # a number after 'at' that is no clock face stays one
    assert facts_of("Left 2:00 wire placed at 10 cm depth.").lesions[0].clock == 2.0


def test_to_counts_two_only_inside_a_count_phrase():
    from locaudit.nlp.mentions import count_value

    assert count_value("to separate lesions") == 2
    assert count_value("with to wires") == 2
    # the lone word before a device ('converted to Magseed') is no count
    assert count_value("to") is None
