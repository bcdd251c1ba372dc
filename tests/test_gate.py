"""The keyword gate never sends a note to not_applicable that the pipeline would assess."""

from __future__ import annotations

import itertools
import json
import shutil

import pytest

import locaudit
from locaudit.gate import Gate, compile_gate, load_gate_for
from locaudit.rules import PACKAGE_PATTERNS, RuleFileError, load_concepts, load_gate, rules_hash
from tests.conftest import FIXTURES


def _notes() -> list[tuple[str, str]]:
    notes = []
    for path in [
        *sorted((FIXTURES / "gold").glob("*.jsonl")),
        FIXTURES / "examples" / "notes.jsonl",
    ]:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row.get("text"), str) and row["text"].strip():
                notes.append((row["id"], row["text"]))
    return notes


@pytest.fixture(scope="module")
def gate() -> Gate:
    found = load_gate_for()
    assert found is not None
    return found


def test_gate_never_drops_a_note_the_pipeline_assesses(gate):
    """Every gold and example note the gate rules out gets from the full pipeline exactly the
    record the gate writes (so, in particular, the verdict not_applicable)."""
    notes = _notes()
    gated = [(i, t) for i, t in notes if not gate.needs_pipeline(t)]
    assert len(notes) > 790
    assert gated, "no gold note is gated: the test would prove nothing"
    piped = list(locaudit.assess_many([t for _, t in gated], [i for i, _ in gated]))
    for (record_id, text), result in zip(gated, piped, strict=True):
        assert result == gate.record(record_id, text), record_id


def test_gate_terms_removed_leave_the_pipeline_nothing_to_assess(gate):
    """The strong form: blank out every gate term in every gold note. The gate now rules all of
    them out, and the pipeline must agree: not_applicable, no codes, no lesions. The only
    findings it may add are the ones about a placement declined or planned in other words
    ('no device was placed'), which belong to not_applicable notes anyway."""
    stripped = []
    for record_id, text in _notes():
        while span := gate.first_term(text):
            start, end = span
            text = text[:start] + "x" * (end - start) + text[end:]
        stripped.append((record_id, text))
    results = list(locaudit.assess_many([t for _, t in stripped], [i for i, _ in stripped]))
    allowed = {"NO_PLACEMENT_THIS_SESSION", "PLACEMENT_NEGATED", "PLANNED_NOT_PERFORMED"}
    for (record_id, text), result in zip(stripped, results, strict=True):
        assert not gate.needs_pipeline(text)
        assert result.verdict == "not_applicable", record_id
        assert (result.codes, result.lesions, result.units_19284) == ([], [], 0), record_id
        assert {f.code for f in result.findings} <= allowed, record_id


def _token_examples(pattern) -> list[str]:
    """Texts a token pattern matches that the gate must find: the words of one mandatory token
    when the gate finds each of them alone, otherwise every combination of the mandatory
    tokens' words ('why are localization', 'device : MAG'). Empty: not checkable."""
    options = []
    for token in pattern:
        if token.get("OP") in ("?", "*", "!"):
            continue
        words = None
        for key in ("LOWER", "ORTH", "TEXT"):
            value = token.get(key)
            words = [value] if isinstance(value, str) else (value or {}).get("IN")
            if words:
                break
        if not words:
            return []
        options.append(words)
    gate = load_gate_for()
    for words in options:
        if all(gate.needs_pipeline(f"a {w} b") for w in words):
            return words
    combos = [" ".join(c) for c in itertools.product(*options)]
    return combos if len(combos) <= 500 else []


def test_gate_covers_every_device_and_localization_pattern(gate):
    """A DEVICE or localization-act pattern the gate does not find would let the gate drop a
    note the pipeline assesses: when concepts.jsonl grows, gate.toml must grow with it."""
    missing = []
    for rule in load_concepts():
        if rule.label != "DEVICE" and not (rule.label == "PLACE" and rule.value == "localization"):
            continue
        if isinstance(rule.pattern, str):
            examples = [rule.pattern, rule.pattern.upper(), rule.pattern.title()]
        else:
            examples = _token_examples(rule.pattern)
            assert examples, f"{rule.id}: no plain word to check"
        missing += [f"{rule.id}: {e!r}" for e in examples if not gate.needs_pipeline(f"a {e} b")]
    assert not missing, missing


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("CT chest: lungs clear. No effusion.", False),
        ("MRI left knee: medial meniscus tear.", False),
        ("Wire localization, left breast.", True),
        ("HOOKWIRE placed at 2:00.", True),
        ("Lesion 2 was localised.", True),
        ("NL done, L breast", True),
        ("nl sinus rhythm, block excluded", False),  # 'NL' only in capitals, 'loc' only whole
        ("SecurMark deployed", True),
        ("o - twist marker", True),
        ("the hook why are was deployed", True),
        ("stage IV, vantage point", False),  # 'tag' is a whole word only
    ],
)
def test_gate_matching_rules(gate, text, needed):
    assert gate.needs_pipeline(text) is needed


def test_gate_record_is_a_not_applicable_contract_record(gate):
    record = gate.record("n-1", "Knee MRI, normal.")
    assert record.id == "n-1" and record.verdict == "not_applicable"
    assert [f.code for f in record.findings] == ["NO_PLACEMENT_THIS_SESSION"]
    assert gate.record("n-2", "x").id == "n-2" and record.id == "n-1"  # copies, not one object


def test_gate_file_validates_strictly(tmp_path):
    (tmp_path / "gate.toml").write_text('[devices]\nsubstrings = ["wire"]\ntypo = ["clip"]\n')
    with pytest.raises(RuleFileError, match=r"gate.toml: \[devices\]"):
        load_gate(str(tmp_path))
    (tmp_path / "gate.toml").write_text('[devices]\nwords = [" loc"]\n')
    with pytest.raises(RuleFileError, match="padded"):
        load_gate(str(tmp_path / ".." / tmp_path.name))


def test_gate_file_is_in_the_rules_hash_and_optional(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(PACKAGE_PATTERNS, copy)
    assert rules_hash(str(copy)) == rules_hash()
    with (copy / "gate.toml").open("a") as handle:
        handle.write('\n[extra]\nwords = ["zqxdevice"]\n')
    other = tmp_path / "patterns2"
    shutil.copytree(copy, other)
    assert rules_hash(str(other)) != rules_hash()
    assert Gate(compile_gate(load_gate(str(other))), "").needs_pipeline("a ZQXdevice b")
    assert not Gate(compile_gate(load_gate()), "").needs_pipeline("a ZQXdevice b")
    bare = tmp_path / "patterns3"
    shutil.copytree(copy, bare)
    (bare / "gate.toml").unlink()
    assert load_gate_for(str(bare)) is None  # no gate file: nothing is gated
