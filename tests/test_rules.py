import json

import pytest

from locaudit.rules import RuleFileError, load_concepts, load_context, load_sections, rules_hash


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
