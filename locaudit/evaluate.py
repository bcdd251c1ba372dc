"""``locaudit evaluate``: accuracy on gold-annotated notes, measured, never claimed.

Gold format: ``fixtures/gold/GUIDELINES.md``. Per-field precision/recall/F1 compare multisets
of per-lesion values (so an extra or a missing lesion costs precision or recall), verdicts get a
confusion matrix, and units, lesion counts, same_session and code sets are exact-match rates.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from locaudit.batch import assess_records
from locaudit.io.records import InputRecord
from locaudit.models import VERDICTS, Assessment

FIELDS = ("devices", "laterality", "guidance", "purpose")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Counter, pred: Counter) -> None:
        common = sum((gold & pred).values())
        self.tp += common
        self.fp += sum(pred.values()) - common
        self.fn += sum(gold.values()) - common

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    n: int = 0
    fields: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    confusion: Counter = field(default_factory=Counter)
    exact: Counter = field(default_factory=Counter)
    failing: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        n = self.n or 1
        correct = sum(v for (g, p), v in self.confusion.items() if g == p)
        predicted_supported = sum(v for (_, p), v in self.confusion.items() if p == "supported")
        true_supported = self.confusion[("supported", "supported")]
        gold_supported = sum(v for (g, _), v in self.confusion.items() if g == "supported")
        return {
            "notes": self.n,
            "verdict_accuracy": round(correct / n, 4),
            "supported_precision": round(true_supported / predicted_supported, 4)
            if predicted_supported
            else 1.0,
            "supported_recall": round(true_supported / gold_supported, 4)
            if gold_supported
            else 1.0,
            "units_exact": round(self.exact["units"] / n, 4),
            "lesion_count_exact": round(self.exact["lesion_count"] / n, 4),
            "same_session_exact": round(self.exact["same_session"] / n, 4),
            "codes_exact": round(self.exact["codes"] / n, 4),
            "fields": {name: score.as_dict() for name, score in self.fields.items()},
            "confusion": {g: {p: self.confusion[(g, p)] for p in VERDICTS} for g in VERDICTS},
            "failing": self.failing,
        }


def _multiset(lesions: Iterable, name: str) -> Counter:
    out: Counter = Counter()
    for lesion in lesions:
        value = lesion.get(name) if isinstance(lesion, dict) else getattr(lesion, name)
        if name == "devices":
            out.update(value or [])
        elif value is not None:
            out[value] += 1
    return out


def _codes(codes: Iterable) -> set[tuple[str, int]]:
    out = set()
    for c in codes:
        code, units = (c["code"], c.get("units", 1)) if isinstance(c, dict) else (c.code, c.units)
        out.add((code, units))
    return out


def load_gold(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if line.strip():
                row = json.loads(line)
                if "gold" not in row or "text" not in row:
                    raise ValueError(f"{path.name}:{lineno}: a gold row needs 'text' and 'gold'")
                rows.append(row)
    return rows


def evaluate(rows: list[dict], patterns_dir: str | None = None) -> Report:
    report = Report()
    records = [InputRecord(str(r["id"]), r["text"], r.get("billed")) for r in rows]
    for row, result in zip(rows, assess_records(records, patterns_dir=patterns_dir)):
        report.n += 1
        gold = row["gold"]
        score_one(report, row["id"], gold, result)
    return report


def score_one(report: Report, record_id: str, gold: dict, result: Assessment) -> None:
    report.confusion[(gold["verdict"], result.verdict)] += 1
    checks = {
        "units": gold.get("units_19284", 0) == result.units_19284,
        "lesion_count": len(gold.get("lesions", [])) == len(result.lesions),
        "same_session": gold.get("same_session") == result.same_session,
        "codes": "codes" not in gold or _codes(gold["codes"]) == _codes(result.codes),
    }
    for name, ok in checks.items():
        report.exact[name] += ok
    for name in FIELDS:
        report.fields[name].add(
            _multiset(gold.get("lesions", []), name), _multiset(result.lesions, name)
        )
    wrong = [name for name, ok in checks.items() if not ok]
    if gold["verdict"] != result.verdict or wrong:
        report.failing.append(
            {"id": record_id, "gold": gold["verdict"], "predicted": result.verdict, "wrong": wrong}
        )


def format_report(data: dict) -> str:
    lines = [
        f"notes                  {data['notes']}",
        f"verdict accuracy       {data['verdict_accuracy']:.3f}",
        f"supported precision    {data['supported_precision']:.3f}",
        f"supported recall       {data['supported_recall']:.3f}",
        f"units_19284 exact      {data['units_exact']:.3f}",
        f"lesion count exact     {data['lesion_count_exact']:.3f}",
        f"same_session exact     {data['same_session_exact']:.3f}",
        f"code set exact         {data['codes_exact']:.3f}",
        "",
        "field        precision  recall     f1",
    ]
    for name, s in data["fields"].items():
        lines.append(f"{name:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f}")
    short = {
        "supported": "sup",
        "not_supported": "not_sup",
        "needs_review": "review",
        "not_applicable": "n/a",
        "error": "error",
    }
    lines += [
        "",
        "confusion (rows gold, columns predicted)",
        " " * 15 + "".join(f"{short[v]:>9}" for v in VERDICTS),
    ]
    for g in VERDICTS:
        row = data["confusion"][g]
        if any(row.values()):
            lines.append(f"{short[g]:<15}" + "".join(f"{row[p]:>9}" for p in VERDICTS))
    if data["failing"]:
        lines += ["", f"failing ({len(data['failing'])}):"]
        for f in data["failing"]:
            extra = f" [{', '.join(f['wrong'])}]" if f["wrong"] else ""
            lines.append(f"  {f['id']}: gold {f['gold']}, got {f['predicted']}{extra}")
    return "\n".join(lines)
