"""The embedding API: ``locaudit.Checker``."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

import locaudit
from locaudit import Checker
from tests.conftest import FIXTURES, example_notes


@pytest.fixture(scope="module")
def checker():
    return Checker()


def _gold_notes(limit: int) -> list[str]:
    lines = (FIXTURES / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines[:limit]]


@pytest.mark.parametrize("example", sorted(example_notes()))
def test_api_check_equals_cli_check_json(checker, cli_record, example):
    text = example_notes()[example]
    got = checker.check(text, record_id=example).model_dump(mode="json")
    assert got == cli_record(text, example)


def test_api_check_many_in_order_with_default_ids_and_error_records(checker):
    notes = example_notes()
    results = checker.check_many(
        [notes["ex-two-lesions"], {"id": "b", "text": notes["ex-ct-chest"]}, {"text": ""}, 7]
    )
    assert [r.id for r in results] == ["note:1", "b", "note:3", "note:4"]
    assert [r.verdict for r in results] == ["supported", "not_applicable", "error", "error"]
    assert results[2].error.kind == "empty_text"
    assert results[3].error.kind == "malformed_record"


def test_api_check_many_equals_check_one_by_one(checker):
    texts = _gold_notes(12)
    many = checker.check_many({"id": str(i), "text": t} for i, t in enumerate(texts))
    one = [checker.check(t, record_id=str(i)) for i, t in enumerate(texts)]
    assert many == one


def test_api_billed_is_accepted_and_reserved(checker):
    """``billed`` is carried to the record builder; the billed check (issue 4) does not exist
    yet, so the record is the same as without it and ``billed_check`` is null."""
    text = example_notes()["ex-two-lesions"]
    with_billed = checker.check(text, "19283-LT, 19284-LT")
    assert with_billed == checker.check(text)
    assert with_billed.billed_check is None
    assert checker.check(text, ["19283-LT", "19284-LT"]) == with_billed


def test_api_checker_is_thread_safe(checker):
    """Many threads at once give exactly the records of one thread, note for note."""
    texts = _gold_notes(40)
    sequential = [checker.check(t, record_id=str(i)) for i, t in enumerate(texts)]
    jobs = [(i, t) for _ in range(3) for i, t in enumerate(texts)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda job: checker.check(job[1], record_id=str(job[0])), jobs))
    assert concurrent == sequential * 3
    assert len({r.verdict for r in sequential}) > 1  # the notes are not all alike


def test_api_checkers_over_one_pipeline_share_its_lock():
    assert Checker()._lock is Checker()._lock


def test_api_lone_surrogate_is_an_error_record_not_a_crash(checker):
    result = checker.check("left breast wire \ud800 CANARY-SURR", record_id="x\udc00")
    assert result.verdict == "error" and result.error.kind == "invalid_text"
    dumped = result.model_dump_json()  # would raise if a surrogate were left in
    assert "CANARY" not in dumped


def test_api_matches_module_level_assess(checker):
    text = example_notes()["ex-missing-side"]
    assert checker.check(text) == locaudit.assess(text)


def test_api_version_block_matches_records(checker):
    assert checker.check("Chest CT.").version == checker.version


def test_readme_embedding_example_runs_and_prints_what_it_says(capsys):
    """The Python example of the README's "Embedding" section is run as written; its
    ``# comments`` that look like output must be what it prints."""
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Embedding") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "supported 1"
    assert printed[1] == "['supported', 'not_applicable']"
    assert json.loads(printed[2])["verdict"] == "supported"
