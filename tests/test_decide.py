"""The decision without a pipeline: facts in, verdict and codes out."""

from __future__ import annotations

import itertools

from locaudit.coding import decide
from locaudit.facts import LesionFact, NoteFacts

_CLOCKS = itertools.cycle((1, 4, 7, 10))


def _lesion(side="left", guidance="stereotactic", devices=("wire",), **kw):
    kw.setdefault("clock", float(next(_CLOCKS)))  # each lesion somewhere else by default
    return LesionFact(
        laterality=side, guidance=guidance, devices=list(devices), evidence=[(0, 1)], **kw
    )


def _codes(decision):
    return {(c.code, c.units) for c in decision.codes}


def test_decide_two_stereo_lesions_supported():
    d = decide(NoteFacts(breast_note=True, lesions=[_lesion(), _lesion()]))
    assert d.verdict == "supported" and d.units_19284 == 1
    assert _codes(d) == {("19283", 1), ("19284", 1)}


def test_decide_three_lesions_bilateral():
    d = decide(NoteFacts(breast_note=True, lesions=[_lesion("right"), _lesion(), _lesion()]))
    assert d.units_19284 == 2
    assert [c.modifiers for c in d.codes] == [["RT"], ["LT"]]


def test_decide_other_modality_takes_its_primary():
    d = decide(NoteFacts(breast_note=True, lesions=[_lesion(), _lesion(guidance="ultrasound")]))
    assert d.verdict == "not_supported" and _codes(d) == {("19283", 1), ("19285", 1)}
    assert "ADDITIONAL_LESION_OTHER_MODALITY" in {f.code for f in d.findings}


def test_decide_biopsy_marker_plus_wire():
    d = decide(
        NoteFacts(
            breast_note=True,
            lesions=[_lesion(devices=("clip",), purpose="biopsy_marker"), _lesion()],
        )
    )
    assert d.verdict == "not_supported" and _codes(d) == {("19081", 1), ("19283", 1)}


def test_decide_missing_side_needs_review_without_addon():
    d = decide(NoteFacts(breast_note=True, lesions=[_lesion(), _lesion(side=None)]))
    assert d.verdict == "needs_review" and d.units_19284 == 0
    assert _codes(d) == {("19283", 1)} and "breast" in d.query


def test_decide_nothing_placed_is_not_applicable():
    assert decide(NoteFacts(breast_note=True)).verdict == "not_applicable"
    assert decide(NoteFacts(breast_note=False, lesions=[_lesion()])).verdict == "not_applicable"


def test_decide_lesion_without_location_needs_review():
    d = decide(NoteFacts(breast_note=True, lesions=[_lesion(), _lesion(clock=None)]))
    assert d.verdict == "needs_review" and d.units_19284 == 0
    assert "MISSING_LOCATION" in {f.code for f in d.findings}
    assert "where it is" in (d.query or "")


def test_decide_breast_tells_lesions_apart_without_location():
    lesions = [_lesion("right", clock=None), _lesion("left", clock=None)]
    d = decide(NoteFacts(breast_note=True, lesions=lesions))
    assert d.verdict == "supported" and d.units_19284 == 1


def test_decide_tomosynthesis_only_lesions_need_review():
    lesions = [_lesion(guidance=None, tomosynthesis_only=True) for _ in range(2)]
    d = decide(NoteFacts(breast_note=True, lesions=lesions))
    assert d.verdict == "needs_review" and d.units_19284 == 0
    assert "TOMOSYNTHESIS_ONLY" in {f.code for f in d.findings}


def test_decide_one_lesion_of_unknown_guidance_is_a_single_lesion():
    d = decide(NoteFacts(breast_note=True, lesions=[_lesion(guidance=None)]))
    assert d.verdict == "not_supported"
    assert "SINGLE_LESION" in {f.code for f in d.findings}


def test_decide_close_clocks_in_one_breast_ask_if_separate():
    lesions = [_lesion(clock=10.0), _lesion(clock=10.5)]
    d = decide(NoteFacts(breast_note=True, lesions=lesions))
    assert d.verdict == "needs_review" and "MISSING_LOCATION" in {f.code for f in d.findings}


def test_decide_close_clocks_with_own_labels_are_separate():
    lesions = [_lesion(clock=10.0, label=1), _lesion(clock=10.5, label=2)]
    assert decide(NoteFacts(breast_note=True, lesions=lesions)).verdict == "supported"


def test_decide_session_doubt_needs_review():
    lesions = [_lesion(clock=2.0), _lesion(clock=10.0)]
    facts = NoteFacts(breast_note=True, lesions=lesions, other_session_clocks=[10.0])
    facts.other_session.append((0, 1))
    d = decide(facts)
    assert d.verdict == "needs_review" and "SEPARATE_SESSION" in {f.code for f in d.findings}


def test_decide_session_doubt_about_another_lesion_does_not_matter():
    facts = NoteFacts(breast_note=True, lesions=[_lesion(clock=2.0), _lesion(clock=10.0)])
    facts.other_session.append((0, 1))
    facts.other_session_clocks.append(6.0)
    assert decide(facts).verdict == "supported"


def test_decide_intraoperative_placement_is_named():
    facts = NoteFacts(breast_note=True, lesions=[_lesion()], intraoperative=[(3, 9)])
    assert "INTRAOPERATIVE_PLACEMENT" in {f.code for f in decide(facts).findings}


def test_decide_a_quadrant_and_a_clock_face_in_it_are_told_apart_only_if_separate():
    tail = _lesion(clock=None, quadrant="axtail")
    two = _lesion(clock=2.0, quadrant="axtail")
    unsure = decide(NoteFacts(breast_note=True, lesions=[tail, two]))
    separate = decide(NoteFacts(breast_note=True, lesions=[tail, two], separate_stated=True))
    assert unsure.verdict == "needs_review"
    assert separate.verdict == "supported"


def test_two_lesions_copied_word_for_word_are_not_told_apart():
    from locaudit.coding.decide import decide
    from locaudit.facts import LesionFact, NoteFacts

    def lesion(label: int, depth: str) -> LesionFact:
        return LesionFact(
            label=label, laterality="left", guidance="stereotactic", devices=["wire"],
            clock=10.0, depth=depth, nipple_cm=5.0, evidence=[(0, 1)],
        )  # fmt: skip

    copied = NoteFacts(breast_note=True, lesions=[lesion(1, "middle"), lesion(2, "middle")])
    assert decide(copied).verdict == "needs_review"
    apart = NoteFacts(
        breast_note=True,
        separate_stated=True,
        lesions=[lesion(1, "anterior"), lesion(2, "posterior")],
    )
    assert decide(apart).verdict == "supported"
