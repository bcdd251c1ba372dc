"""Notes per second of the full pipeline against spaCy's bare tokenizer, same notes, same run.

    python benchmarks/bench_pipeline.py [--repeat 3] [FILE.jsonl ...]

Defaults to the gold notes (``fixtures/gold/*.jsonl``). Prints notes/s for ``spacy.blank("en")``
tokenizing the notes (the floor no pipeline can beat), for ``locaudit.assess_many`` on the same
notes, their ratio, and the process's peak resident memory. Issue 5's batch benchmark
(generated notes, keyword gate, worker processes) is a separate, later script.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

import locaudit  # noqa: E402


def rate(run, texts: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(texts)
        times.append(time.perf_counter() - start)
    return len(texts) / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    files = opts.files or sorted((ROOT / "fixtures" / "gold").glob("*.jsonl"))
    texts = [json.loads(line)["text"] for f in files for line in f.open(encoding="utf-8")]
    blank = spacy.blank("en")
    locaudit.load()
    list(locaudit.assess_many(texts[:10]))  # warm up: pipeline built, vocab filled
    floor = rate(lambda ts: list(blank.pipe(ts)), texts, opts.repeat)
    ours = rate(lambda ts: list(locaudit.assess_many(ts)), texts, opts.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"notes                  {len(texts)}")
    print(f"bare tokenizer         {floor:,.0f} notes/s")
    print(f"locaudit               {ours:,.0f} notes/s")
    print(f"ratio                  {ours / floor:.3f}")
    print(f"peak RSS               {peak:,.0f} MB")


if __name__ == "__main__":
    main()
