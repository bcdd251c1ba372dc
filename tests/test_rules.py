import json

import pytest

from locaudit.rules import (
    RuleFileError,
    load_concepts,
    load_context,
    load_finding_kinds,
    load_sections,
    rules_hash,
)


def test_rules_package_files_validate_with_unique_ids():
    for rules in (load_concepts(), load_context(), load_sections()):
        ids = [r.id for r in rules]
        assert ids and len(ids) == len(set(ids))


def test_rules_bad_file_names_file_and_line(tmp_path):
    (tmp_path / "concepts.jsonl").write_text(
        json.dumps({"id": "x", "label": "DEVICE", "pattern": "wire"})
        + "\n"
        + json.dumps({"id": "y", "label": "NOPE", "pattern": "wire"})
        + "\n"
    )
    with pytest.raises(RuleFileError, match=r"concepts.jsonl:2"):
        load_concepts(str(tmp_path))


def test_rules_duplicate_id_is_rejected(tmp_path):
    line = json.dumps({"id": "x", "label": "DEVICE", "pattern": "wire"})
    (tmp_path / "concepts.jsonl").write_text(line + "\n" + line + "\n")
    with pytest.raises(RuleFileError, match="duplicate id"):
        load_concepts(str(tmp_path))


def test_rules_hash_is_stable_and_short():
    assert rules_hash() == rules_hash() and len(rules_hash()) == 12


def test_rules_same_pattern_two_values_is_rejected(tmp_path):
    rows = [
        {"id": "a", "label": "CORRECTION", "pattern": "in error"},
        {"id": "b", "label": "CORRECTION", "value": "retract", "pattern": "in error"},
    ]
    (tmp_path / "concepts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(RuleFileError, match="repeats the pattern"):
        load_concepts(str(tmp_path))


def test_rules_finding_kinds_load_and_reject_a_word_of_two_kinds(tmp_path):
    assert load_finding_kinds()["calcs"] == "calcifications"
    (tmp_path / "finding_kinds.toml").write_text(
        '[kinds]\nmass = ["mass", "Nodule"]\nnodule = ["nodule"]\n'
    )
    with pytest.raises(RuleFileError, match="names both"):
        load_finding_kinds(str(tmp_path))


def test_rules_finding_kinds_missing_file_is_empty(tmp_path):
    assert load_finding_kinds(str(tmp_path)) == {}


@pytest.mark.parametrize("word", ["top-hat", "pre op"])
def test_rules_a_token_value_of_several_tokens_is_rejected(tmp_path, word):
    # the tokenizer splits 'top-hat' at its hyphen: such a token spec could never match
    row = {"id": "x", "label": "DEVICE", "value": "clip", "pattern": [{"LOWER": {"IN": [word]}}]}
    (tmp_path / "concepts.jsonl").write_text(json.dumps(row) + "\n")
    with pytest.raises(RuleFileError, match="several tokens"):
        load_concepts(str(tmp_path))


def test_rules_a_hyphen_before_digits_is_one_token(tmp_path):
    row = {
        "id": "x",
        "label": "DEVICE",
        "value": "radioactive_seed",
        "pattern": [{"LOWER": "i-125"}],
    }
    (tmp_path / "concepts.jsonl").write_text(json.dumps(row) + "\n")
    assert [r.id for r in load_concepts(str(tmp_path))] == ["x"]


def test_rules_a_section_regex_that_does_not_compile_names_its_line(tmp_path):
    good = {"id": "section.a", "section": "procedure", "regex": "procedure\\s*:"}
    bad = {"id": "section.b", "section": "history", "regex": "(history\\s*:"}
    (tmp_path / "sections.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(RuleFileError, match=r"sections.jsonl:2:") as caught:
        load_sections(str(tmp_path))
    assert "does not compile" in str(caught.value)
