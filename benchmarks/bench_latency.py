"""Latency of one note: in process (``Checker.check``) and over HTTP on loopback.

    python benchmarks/bench_latency.py [--n 500] [--clients 4] [--note NOTE.txt]

Transcription systems check a note while the radiologist signs it, so what matters is the
time of one call, not notes per second. The note is the two-lesion example note with a long
clinical history, 400 words (or ``--note``). Prints p50/p95/p99 in milliseconds for:

- in process: ``locaudit.Checker().check(note)``, one call after another;
- HTTP, 1 client: ``POST /v1/check`` to a ``locaudit serve --port`` subprocess on 127.0.0.1,
  one keep-alive client, so the figure is the service time plus HTTP and JSON;
- HTTP, N clients: N threads posting at once; the Checker runs one note at a time, so this
  adds queueing behind the other clients' notes.

Targets (issue 6): p99 < 15 ms in process, < 30 ms over HTTP. Needs the ``server`` extra and
httpx (both in ``locaudit[test]``). Every loop is bounded; traffic goes to loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

import locaudit  # noqa: E402

HISTORY = [
    "The patient is a 58-year-old woman with two biopsy-proven sites of ductal carcinoma in "
    "situ in the left breast, found on screening mammography in March.",
    "Stereotactic core biopsy of the upper outer calcifications showed intermediate grade DCIS "
    "with comedo necrosis, estrogen receptor positive.",
    "Ultrasound-guided core biopsy of the posterior mass showed the same histology, and a "
    "ribbon clip was left at that site at the time.",
    "She has a family history of breast cancer in her mother at age 62 and takes no hormone "
    "replacement therapy.",
    "Breast MRI showed no additional suspicious enhancement in either breast and no axillary "
    "adenopathy.",
    "The multidisciplinary conference recommended breast conserving surgery with localization "
    "of both sites on the morning of surgery.",
    "Risks, benefits and alternatives including vasovagal reaction, bleeding, infection and "
    "wire migration were discussed and written consent was obtained.",
]


def four_hundred_word_note() -> str:
    """The two-lesion example note with its history lengthened to 400 words."""
    rows = (ROOT / "fixtures" / "examples" / "notes.jsonl").read_text().splitlines()
    base = next(json.loads(r)["text"] for r in rows if '"ex-two-lesions"' in r)
    head, tail = base.split("HISTORY:", 1)
    history: list[str] = []
    n = 0
    while len(" ".join([base, *history]).split()) < 400:
        history.append(HISTORY[n % len(HISTORY)])
        n += 1
    words = " ".join(history).split()
    excess = len(" ".join([base, *history]).split()) - 400
    history_text = " ".join(words[: len(words) - excess])
    return f"{head}HISTORY: {history_text}{tail}"


def percentiles(samples_ms: list[float]) -> str:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return f"p50 {cuts[49]:6.2f}   p95 {cuts[94]:6.2f}   p99 {cuts[98]:6.2f}  ms"


def timed(call: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "locaudit.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "LOCAUDIT_TOKEN"},
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not come up within 90 s")


def http_concurrent(url: str, body: dict, clients: int, n: int) -> list[float]:
    """``n`` requests in all from ``clients`` threads, each with its own keep-alive client."""
    samples: list[float] = []
    lock = threading.Lock()
    per_client = max(1, n // clients)

    def worker() -> None:
        with httpx.Client(timeout=30) as client:
            client.post(url, json=body).raise_for_status()  # connect + warm
            mine = timed(lambda: client.post(url, json=body).raise_for_status(), per_client)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="calls per measurement")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--note", type=Path, default=None, help="a note file instead")
    opts = parser.parse_args()
    note = opts.note.read_text(encoding="utf-8") if opts.note else four_hundred_word_note()

    checker = locaudit.Checker()
    verdict = checker.check(note).verdict
    timed(lambda: checker.check(note), 30)  # warm up: vocab filled, caches hot
    in_process = timed(lambda: checker.check(note), opts.n)

    port = free_port()
    server = start_server(port)
    try:
        url = f"http://127.0.0.1:{port}/v1/check"
        body = {"id": "bench", "text": note}
        with httpx.Client(timeout=30) as client:
            timed(lambda: client.post(url, json=body).raise_for_status(), 30)
            one_client = timed(lambda: client.post(url, json=body).raise_for_status(), opts.n)
        many_clients = http_concurrent(url, body, opts.clients, opts.n)
    finally:
        server.terminate()
        server.wait(timeout=20)

    print(f"note                   {len(note.split())} words, verdict {verdict}")
    print(f"cores                  {os.cpu_count()}")
    print(f"in process             {percentiles(in_process)}  (n={len(in_process)})")
    print(f"http, 1 client         {percentiles(one_client)}  (n={len(one_client)})")
    label = f"http, {opts.clients} clients"
    print(f"{label:<23}{percentiles(many_clients)}  (n={len(many_clients)})")


if __name__ == "__main__":
    main()
