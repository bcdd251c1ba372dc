"""Throughput and memory of ``locaudit batch`` on generated notes, all figures from one run.

    python benchmarks/bench_batch.py [--relevant 2000] [--mix 100000] [--ratio 0.05]
                                     [--rss-notes 0] [--seed 5]

Relevant notes are gold notes (``fixtures/gold``) varied: clock faces, sizes, distances and the
side swapped at random. Irrelevant notes come from templates of other reports (chest CT and
X-ray, knee and brain MRI, abdominal ultrasound and CT, discharge summaries, ED notes), filled
at random; some mention surgical clips, sternotomy wires or embolization coils, as real ones
do, and so pass the keyword gate to the full pipeline.

Prints notes/s for: spaCy's blank tokenizer over the relevant notes (the floor no pipeline can
beat), locaudit on relevant notes only (one process, in-process ``run_batch``), and the CLI
(``locaudit batch MIX.jsonl -o OUT.jsonl``, start-up included) on a mix with ``--ratio``
relevant notes, with 1 and 2 workers; the share of notes the gate sent to the pipeline; and
the peak resident memory of the whole process tree (parent + workers, sampled from /proc)
during the streamed runs. ``--rss-notes N`` adds a separate 2-worker streamed run of N notes
just for memory (e.g. 1000000).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from locaudit.batch import BatchOptions, BatchStats, run_batch  # noqa: E402
from locaudit.io.records import InputRecord  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Notes

IRRELEVANT_TEMPLATES = [
    "CT CHEST {contrast} CONTRAST\nINDICATION: {chest_ind}.\nTECHNIQUE: Axial images of the chest "
    "were obtained {contrast_l} intravenous contrast. Coronal and sagittal reformats.\n"
    "COMPARISON: {comparison}.\nFINDINGS:\nLungs: {lung}. No pleural effusion or pneumothorax.\n"
    "Mediastinum: Heart size is {heart}. No pericardial effusion. {nodes}.\nUpper abdomen: "
    "{abd}.\nBones: {bones}.\nIMPRESSION:\n1. {lung_imp}.\n2. {extra}.",
    "XR CHEST {views}\nCLINICAL HISTORY: {chest_ind}.\nFINDINGS: {support}The cardiomediastinal "
    "silhouette is {heart}. {lung}. No pneumothorax. {sternotomy}\nIMPRESSION: {lung_imp}.",
    "MRI {side} KNEE WITHOUT CONTRAST\nHISTORY: {age}-year-old with {knee_ind}.\nFINDINGS:\n"
    "Menisci: {meniscus}.\nLigaments: The ACL and PCL are intact. The MCL shows {mcl}.\n"
    "Cartilage: {cartilage}.\nJoint fluid: {effusion} joint effusion. {baker}\nIMPRESSION:\n"
    "1. {meniscus}.\n2. {cartilage}.",
    "MRI BRAIN WITH AND WITHOUT CONTRAST\nINDICATION: {brain_ind}.\nFINDINGS: No acute infarct "
    "on diffusion-weighted images. {white}. The ventricles are {vent}. No abnormal enhancement. "
    "{coil}\nIMPRESSION: {brain_imp}.",
    "US ABDOMEN COMPLETE\nINDICATION: {abd_ind}.\nFINDINGS: The liver measures {cm} cm and is "
    "{liver}. The gallbladder is {gb}. Common bile duct {mm} mm. Pancreas {pancreas}. Right "
    "kidney {kidney_cm} cm, left kidney {kidney_cm2} cm, no hydronephrosis. Spleen normal.\n"
    "IMPRESSION: {abd_imp}.",
    "CT ABDOMEN AND PELVIS {contrast} CONTRAST\nINDICATION: {abd_ind}.\nFINDINGS: Liver: "
    "{liver}. Gallbladder: {gb_ct}. Pancreas and spleen unremarkable. Kidneys: {kidney}. Bowel: "
    "{bowel}. No free air or fluid. {aorta}\nIMPRESSION: {abd_imp}.",
    "DISCHARGE SUMMARY\nAdmission date: {date}. Discharge date: {date2}.\nDIAGNOSIS: "
    "{dx}.\nHOSPITAL COURSE: The patient is a {age}-year-old {sex} admitted with {dx_l}. "
    "{course} Labs on discharge: Na {na}, K {k}, creatinine {cr}, hemoglobin {hb}. "
    "MEDICATIONS: {meds}.\nFOLLOW-UP: {followup}.",
    "EMERGENCY DEPARTMENT NOTE\nCHIEF COMPLAINT: {cc}.\nHPI: {age}-year-old {sex} presents with "
    "{cc_l} for {days} days. {hpi}\nEXAM: T {temp}, HR {hr}, BP {bp}. {exam}\nASSESSMENT AND "
    "PLAN: {plan}.",
]

FILL = {
    "contrast": ["WITH", "WITHOUT"],
    "contrast_l": ["with", "without"],
    "chest_ind": [
        "cough and fever",
        "shortness of breath",
        "pulmonary nodule follow-up",
        "chest pain",
        "staging of colon cancer",
        "weight loss",
    ],
    "comparison": ["None", "CT of 3 months ago", "Prior radiograph"],
    "lung": [
        "The lungs are clear",
        "Mild dependent atelectasis",
        "A 4 mm nodule in the right upper lobe",
        "Scattered ground-glass opacities",
        "Mild emphysema",
    ],
    "heart": ["normal", "mildly enlarged", "within normal limits"],
    "nodes": ["No enlarged mediastinal or hilar lymph nodes", "A 9 mm subcarinal node"],
    "abd": ["Unremarkable", "Small hiatal hernia", "Simple cyst in the left kidney"],
    "bones": ["Degenerative changes of the thoracic spine", "No aggressive osseous lesion"],
    "lung_imp": [
        "No acute cardiopulmonary process",
        "Stable pulmonary nodule",
        "Mild bibasilar atelectasis",
        "Findings suggest viral pneumonia",
    ],
    "extra": [
        "No further follow-up needed",
        "Recommend follow-up CT in 12 months",
        "Incidental thyroid nodule",
    ],
    "views": ["PA AND LATERAL", "PORTABLE AP", "1 VIEW"],
    "support": [
        "",
        "",
        "Endotracheal tube 4 cm above the carina. ",
        "Right IJ catheter tip in the SVC. ",
    ],
    "sternotomy": ["", "", "", "", "", "", "", "", "", "Median sternotomy wires are intact."],
    "side": ["LEFT", "RIGHT"],
    "age": [str(a) for a in range(19, 91)],
    "knee_ind": ["pain after a twisting injury", "locking and swelling", "chronic pain"],
    "meniscus": [
        "Complex tear of the posterior horn of the medial meniscus",
        "Intact menisci",
        "Horizontal tear of the lateral meniscus body",
    ],
    "mcl": ["low-grade sprain", "normal signal"],
    "cartilage": [
        "Mild chondromalacia of the patella",
        "Full-thickness cartilage loss in the medial compartment",
        "Preserved cartilage",
    ],
    "effusion": ["Small", "Moderate", "No"],
    "baker": ["", "Small Baker cyst."],
    "brain_ind": ["headache", "dizziness", "known glioma follow-up", "seizure"],
    "white": ["Scattered T2 hyperintensities in the white matter", "Normal white matter"],
    "vent": ["normal in size", "mildly prominent"],
    "coil": [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Embolization coils at the anterior communicating artery aneurysm cause artifact.",
    ],
    "brain_imp": ["No acute intracranial abnormality", "Chronic small vessel ischemic change"],
    "abd_ind": [
        "right upper quadrant pain",
        "abnormal liver tests",
        "abdominal pain",
        "nausea and vomiting",
    ],
    "cm": [str(c) for c in range(12, 19)],
    "mm": ["3", "4", "5", "6"],
    "kidney_cm": ["10.2", "10.8", "11.1", "11.6"],
    "kidney_cm2": ["10.4", "10.9", "11.3", "11.8"],
    "liver": [
        "normal in echotexture",
        "diffusely echogenic, consistent with steatosis",
        "normal in attenuation",
    ],
    "gb": ["normal", "distended with gallstones", "surgically absent"],
    "gb_ct": [
        "Normal",
        "Cholelithiasis without cholecystitis",
        "Surgically absent with cholecystectomy clips",
        "Surgically absent",
    ],
    "pancreas": ["partially obscured by bowel gas", "unremarkable"],
    "kidney": ["No stones or hydronephrosis", "Bilateral simple cysts"],
    "bowel": ["Normal caliber", "Sigmoid diverticulosis without diverticulitis"],
    "aorta": ["", "Atherosclerotic calcification of the aorta."],
    "abd_imp": ["No acute abdominal process", "Hepatic steatosis", "Cholelithiasis"],
    "date": ["2024-01-03", "2024-02-11", "2024-03-20", "2024-05-07"],
    "date2": ["2024-01-06", "2024-02-15", "2024-03-22", "2024-05-12"],
    "dx": [
        "Community-acquired pneumonia",
        "CHF exacerbation",
        "Cellulitis of the leg",
        "Diabetic ketoacidosis",
    ],
    "dx_l": ["pneumonia", "heart failure", "cellulitis", "DKA"],
    "sex": ["woman", "man"],
    "course": [
        "Treated with IV antibiotics with improvement.",
        "Diuresed with furosemide.",
        "Insulin drip, transitioned to subcutaneous insulin.",
    ],
    "na": ["134", "138", "141"],
    "k": ["3.6", "4.1", "4.8"],
    "cr": ["0.8", "1.1", "1.6"],
    "hb": ["10.9", "12.4", "13.8"],
    "meds": ["amoxicillin, lisinopril", "furosemide, metoprolol", "insulin glargine"],
    "followup": ["Primary care in 1 week", "Cardiology in 2 weeks"],
    "cc": ["Chest pain", "Abdominal pain", "Fall", "Headache"],
    "cc_l": ["chest pain", "abdominal pain", "a fall at home", "headache"],
    "days": ["1", "2", "3", "5"],
    "hpi": ["No fever.", "Pain is worse with exertion.", "Tolerating oral intake."],
    "temp": ["36.8", "37.4", "38.2"],
    "hr": ["72", "88", "104"],
    "bp": ["128/76", "142/88", "110/70"],
    "exam": ["Lungs clear. Abdomen soft.", "Tender right lower quadrant.", "No focal deficit."],
    "plan": ["Discharge home with follow-up", "Admit for observation", "CT ordered"],
}
_SLOT = re.compile(r"\{(\w+)\}")


def irrelevant_note(rng: random.Random) -> str:
    template = rng.choice(IRRELEVANT_TEMPLATES)
    return _SLOT.sub(lambda m: rng.choice(FILL[m.group(1)]), template)


def gold_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "fixtures" / "gold").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    return texts


_CLOCK = re.compile(r"\b(1[0-2]|[1-9]):(00|30)\b")
_CM = re.compile(r"\b(\d{1,2}) cm\b")
_SIDE = re.compile(r"\b(left|right|Left|Right|LEFT|RIGHT)\b")
_SWAP = {
    "left": "right",
    "right": "left",
    "Left": "Right",
    "Right": "Left",
    "LEFT": "RIGHT",
    "RIGHT": "LEFT",
}


def relevant_note(rng: random.Random, gold: list[str]) -> str:
    text = rng.choice(gold)
    shift = rng.randint(0, 11)
    text = _CLOCK.sub(lambda m: f"{(int(m.group(1)) + shift - 1) % 12 + 1}:{m.group(2)}", text)
    text = _CM.sub(lambda m: f"{max(1, int(m.group(1)) + rng.randint(-2, 2))} cm", text)
    if rng.random() < 0.5:
        text = _SIDE.sub(lambda m: _SWAP[m.group(1)], text)
    return text


def notes(n: int, ratio: float, seed: int) -> Iterator[tuple[str, str]]:
    """(id, text) pairs, ``ratio`` of them relevant, generated lazily (flat memory)."""
    rng = random.Random(seed)
    gold = gold_texts()
    for i in range(n):
        relevant = rng.random() < ratio
        yield f"b{i:07d}", relevant_note(rng, gold) if relevant else irrelevant_note(rng)


def write_jsonl(path: Path, n: int, ratio: float, seed: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record_id, text in notes(n, ratio, seed):
            handle.write(json.dumps({"id": record_id, "text": text}) + "\n")


# ---------------------------------------------------------------------------------------------
# Measuring


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total


def cli_run(src: Path, out: Path, workers: int) -> tuple[float, int, str]:
    """Wall time, peak RSS (KB) of the process tree, and the summary line of one CLI run."""
    cmd = [
        sys.executable,
        "-m",
        "locaudit.cli",
        "batch",
        str(src),
        "-o",
        str(out),
        "--workers",
        str(workers),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"locaudit batch failed ({proc.returncode}): {err[-500:]}")
    return elapsed, peak, err.strip().splitlines()[-1] if err.strip() else ""


def rate(run, texts: list[str]) -> float:
    start = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relevant", type=int, default=2000, help="relevant-only notes")
    parser.add_argument("--mix", type=int, default=100_000, help="notes in the mixed runs")
    parser.add_argument("--ratio", type=float, default=0.05, help="relevant share of the mix")
    parser.add_argument("--rss-notes", type=int, default=0, help="extra streamed run for RSS")
    parser.add_argument("--seed", type=int, default=5)
    opts = parser.parse_args()

    rel = [t for _, t in notes(opts.relevant, 1.0, opts.seed)]
    blank = spacy.blank("en")
    options = BatchOptions()
    records = [InputRecord(f"r{i}", t) for i, t in enumerate(rel)]
    list(run_batch(records[:20], options))  # warm up: pipeline built, vocab filled
    floor = rate(lambda ts: list(blank.pipe(ts)), rel)
    ours = rate(lambda ts: list(run_batch(records, options)), rel)

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "mix.jsonl"
        write_jsonl(src, opts.mix, opts.ratio, opts.seed + 1)
        stats = BatchStats()
        mix_records = [
            InputRecord(i, t) for i, t in notes(min(opts.mix, 20_000), opts.ratio, opts.seed + 1)
        ]
        list(run_batch(mix_records, options, stats))
        passed = stats.assessed / len(mix_records)
        t1, rss1, _ = cli_run(src, Path(tmp) / "out1.jsonl", 1)
        t2, rss2, _ = cli_run(src, Path(tmp) / "out2.jsonl", 2)
        peak, peak_n = max(rss1, rss2), opts.mix
        if opts.rss_notes:
            big = Path(tmp) / "big.jsonl"
            write_jsonl(big, opts.rss_notes, opts.ratio, opts.seed + 2)
            _, peak, _ = cli_run(big, Path(tmp) / "big.out.jsonl", 2)
            peak_n = opts.rss_notes

    pct = f"{opts.ratio:.0%}"
    print(f"notes: relevant-only {opts.relevant:,}; mix {opts.mix:,} ({pct} relevant)")
    print(f"bare tokenizer, relevant notes        {floor:>8,.0f} notes/s")
    print(
        f"locaudit, relevant notes, 1 process   {ours:>8,.0f} notes/s  "
        f"({ours / floor:.3f} of the tokenizer)"
    )
    print(f"gate: notes sent to the pipeline      {passed:>8.1%} of the mix")
    print(
        f"locaudit batch, {pct} mix, 1 worker      {opts.mix / t1:>8,.0f} notes/s  "
        f"({t1:.0f} s, start-up included)"
    )
    print(
        f"locaudit batch, {pct} mix, 2 workers     {opts.mix / t2:>8,.0f} notes/s  "
        f"({t2:.0f} s, start-up included)"
    )
    print(f"peak RSS, streamed run of {peak_n:,}  {peak / 1024:>8,.0f} MB  (all processes)")


if __name__ == "__main__":
    main()
