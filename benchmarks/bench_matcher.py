"""The rule matcher before and after ``LexicalMatcher``: identical output, then speed, one run.

    python benchmarks/bench_matcher.py [--repeat 5] [--negex PATH]

"old" is ``RuleMatcher(..., lexical=False)``: every token pattern in spaCy's ``Matcher``, as
before. "new" is the default. Two pipelines are built from the same config; the old one gets the
old matcher in its concept component.

1. Equality, over the gold notes, the example notes and the NegEx sentences: the raw
   ``(rule, start, end)`` lists of both matchers (concept rules and context rules, same order),
   ``doc.spans["locaudit_concepts"]`` (start, end, label, kb_id, id) and every mention's context
   (``read_mentions``: status, target, triggers). Any difference stops the script (exit 1).
2. Speed, on the notes: ms/note of the concept component alone (compact doc rebuilt each call, as
   in the pipeline), and notes/s of the whole spaCy pipeline against ``spacy.blank("en")``
   tokenizing the same notes. Runs alternate old/new/blank; medians. The machine is shared, so
   read the old/new ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from locaudit.nlp.matching import RuleMatcher, forget_compact  # noqa: E402
from locaudit.nlp.mentions import read_mentions  # noqa: E402
from locaudit.nlp.pipeline import build_pipeline  # noqa: E402
from locaudit.rules import load_context  # noqa: E402

NOTE_FILES = [
    ROOT / "fixtures" / "gold" / "dev.jsonl",
    ROOT / "fixtures" / "gold" / "test.jsonl",
    ROOT / "fixtures" / "examples" / "notes.jsonl",
]
NEGEX = ROOT.parent / "shared" / "corpus" / "negex" / "negex_test.jsonl"


def read_texts(path: Path, field: str) -> list[str]:
    """The texts of a JSONL file; a line that is not JSON (the broken example) is skipped."""
    texts = []
    for line in path.open(encoding="utf-8"):
        try:
            texts.append(json.loads(line)[field])
        except (ValueError, KeyError):
            continue
    return texts


def concept_rows(doc) -> list[tuple]:
    return [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in doc.spans["locaudit_concepts"]]


def context_rows(doc) -> list[tuple]:
    return [(m.start, m.end, m.context.status, m.context.target, m.context.triggers)
            for m in read_mentions(doc)]  # fmt: skip


def check_equal(old_nlp, new_nlp, texts: list[str], corpus: str) -> int:
    """Compare everything for every text; returns the number of texts with a difference."""
    concepts_old = old_nlp.get_pipe("locaudit_concepts")._matcher
    concepts_new = new_nlp.get_pipe("locaudit_concepts")._matcher
    context_patterns = [rule.pattern for rule in load_context()]
    context_old = RuleMatcher(new_nlp, context_patterns, lexical=False)
    context_new = RuleMatcher(new_nlp, context_patterns)
    differ = 0
    for i, (a, b) in enumerate(zip(old_nlp.pipe(texts), new_nlp.pipe(texts))):
        checks = {
            "concept matches": (list(concepts_old(a)), list(concepts_new(a))),
            "context matches": (list(context_old(b)), list(context_new(b))),
            "concept spans": (concept_rows(a), concept_rows(b)),
            "mention contexts": (context_rows(a), context_rows(b)),
        }
        forget_compact(a)
        forget_compact(b)
        bad = [name for name, (x, y) in checks.items() if x != y]
        if bad:
            differ += 1
            print(f"DIFFERENT {corpus} #{i}: {', '.join(bad)}")
    return differ


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--negex", type=Path, default=NEGEX)
    opts = parser.parse_args()

    notes = [t for path in NOTE_FILES for t in read_texts(path, "text")]
    negex = read_texts(opts.negex, "sentence") if opts.negex.exists() else []
    new_nlp = build_pipeline()
    old_nlp = build_pipeline()
    old_concepts = old_nlp.get_pipe("locaudit_concepts")
    old_concepts._matcher = RuleMatcher(
        old_nlp, [rule.pattern for rule in old_concepts.rules], lexical=False
    )

    # New matcher's first pass over unseen words (its word table is empty): reported, not hidden.
    fresh = [new_nlp.make_doc(text) for text in notes]
    matcher = new_nlp.get_pipe("locaudit_concepts")._matcher
    cold = timed(lambda: [list(matcher(doc)) for doc in fresh]) / len(notes) * 1000

    differ = check_equal(old_nlp, new_nlp, notes, "note")
    if negex:
        differ += check_equal(old_nlp, new_nlp, negex, "negex")
    else:
        print(f"NegEx sentences not found at {opts.negex}: only the notes were compared")
    print(f"equality: {len(notes)} notes + {len(negex)} NegEx sentences, {differ} different")
    if differ:
        sys.exit(1)

    # Concept component alone, on docs that went through the components before it.
    def prepared(nlp):
        docs = [nlp.make_doc(t) for t in notes]
        for name, proc in nlp.pipeline:
            if name == "locaudit_concepts":
                return docs, proc
            docs = [proc(d) for d in docs]
        raise SystemExit("no concept component")

    def component_run(docs, proc):
        def run():
            for doc in docs:
                forget_compact(doc)
                proc(doc)

        return run

    component = {"old": component_run(*prepared(old_nlp)), "new": component_run(*prepared(new_nlp))}
    blank = spacy.blank("en")
    pipeline = {
        "old": lambda: list(old_nlp.pipe(notes)),
        "new": lambda: list(new_nlp.pipe(notes)),
        "blank": lambda: list(blank.pipe(notes)),
    }
    comp_times: dict[str, list[float]] = {"old": [], "new": []}
    pipe_times: dict[str, list[float]] = {"old": [], "new": [], "blank": []}
    for _ in range(opts.repeat):  # interleaved, so drift on a shared machine hits both alike
        for name, run in component.items():
            comp_times[name].append(timed(run))
        for name, run in pipeline.items():
            pipe_times[name].append(timed(run))
    ms = {k: statistics.median(v) / len(notes) * 1000 for k, v in comp_times.items()}
    rate = {k: len(notes) / statistics.median(v) for k, v in pipe_times.items()}
    print(f"notes                          {len(notes)} (median of {opts.repeat} runs)")
    print(f"concept component, old         {ms['old']:.3f} ms/note")
    print(f"concept component, new         {ms['new']:.3f} ms/note  ({ms['old'] / ms['new']:.1f}x)")
    print(f"new matcher, first pass (cold) {cold:.3f} ms/note  (word table empty)")
    print(f"bare tokenizer (blank en)      {rate['blank']:,.0f} notes/s")
    print(f"pipeline, old                  {rate['old']:,.0f} notes/s  "
          f"(ratio to tokenizer {rate['old'] / rate['blank']:.3f})")  # fmt: skip
    print(f"pipeline, new                  {rate['new']:,.0f} notes/s  "
          f"(ratio to tokenizer {rate['new'] / rate['blank']:.3f}, "
          f"{rate['new'] / rate['old']:.2f}x old)")  # fmt: skip


if __name__ == "__main__":
    main()
