"""locaudit's ConText engine against negspaCy on the NegEx test set, in one run.

    python benchmarks/negex_compare.py [--shared ../shared] [--repeat 3]

Runs ``shared/tools/negbench.py`` for negspaCy (skipped, with the reason, when it is not
installed) and for ``benchmarks/negbench_predictor.py`` back to back on this machine, and prints
one markdown table: the throughput of the two is comparable only within one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def score(tool: Path, args: list[str], repeat: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, str(tool), *args, "--repeat", str(repeat), "--json-out", out.name]
        subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, env=_env())
        return json.loads(Path(out.name).read_text())


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    tool = opts.shared / "tools" / "negbench.py"
    if not tool.exists():
        sys.exit(f"negbench not found at {tool}: pass --shared")
    runs = []
    if importlib.util.find_spec("negspacy") is None:
        print("negspacy is not installed (pip install negspacy): its row is skipped")
    else:
        runs.append(("negspaCy", score(tool, ["--system", "negspacy"], opts.repeat)))
    spec = "benchmarks/negbench_predictor.py:make_predictor()"
    runs.append(("locaudit", score(tool, ["--func", spec, "--all-dims"], opts.repeat)))
    print("| system | negation P | R | F1 | historical F1 | hypothetical F1 | sentences/s |")
    print("|---|---|---|---|---|---|---|")
    for name, r in runs:
        neg, hist, hypo = r.get("negation", {}), r.get("historical", {}), r.get("hypothetical", {})
        print(
            f"| {name} | {neg.get('precision', 0):.3f} | {neg.get('recall', 0):.3f} "
            f"| {neg.get('f1', 0):.3f} | {_f1(hist)} | {_f1(hypo)} "
            f"| {r['sentences_per_s_median']:,.0f} |"
        )


def _f1(block: dict) -> str:
    return f"{block['f1']:.3f}" if block and "f1" in block else "n/a"


if __name__ == "__main__":
    main()
