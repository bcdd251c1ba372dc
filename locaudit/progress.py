"""Progress of a batch run on stderr: notes done, notes/s and an ETA (tqdm).

The input is streamed, so the number of notes is not known in advance; for a file it is
estimated from how far into the file (in bytes, compressed bytes for ``.gz``) the reader has
got, for a folder it is the number of note files. Silent when stderr is not a terminal (a
cron job's log stays clean) or with ``--quiet``.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from locaudit.io.readers import Source

REFRESH_SECONDS = 0.5


class Progress:
    def __init__(self, source: Source, *, enabled: bool, initial: int = 0) -> None:
        self.source = source
        self.bar: Any = None
        self._pending = 0
        self._next = 0.0
        if not enabled:
            return
        from tqdm import tqdm

        self.total_units = source.total_units
        self.bar = tqdm(
            total=self.total_units if source.fmt == "dir" else None,
            initial=initial,
            unit=" notes",
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=REFRESH_SECONDS,
            smoothing=0.1,
        )

    def tick(self) -> None:
        if self.bar is None:
            return
        self._pending += 1
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + REFRESH_SECONDS
        if self.source.fmt != "dir" and self.total_units:
            done = self.source.done_units()
            if done > 0:
                seen = self.bar.n + self._pending
                self.bar.total = max(seen, round(seen * self.total_units / done))
        self.bar.update(self._pending)
        self._pending = 0

    def close(self) -> None:
        if self.bar is None:
            return
        if self._pending:
            self.bar.update(self._pending)
        if self.bar.total is not None and self.bar.n > self.bar.total:
            self.bar.total = self.bar.n
        self.bar.close()
        self.bar = None

    @staticmethod
    def wanted(quiet: bool) -> bool:
        """A bar only for a person watching: not with --quiet, not into a pipe or a log."""
        stream = sys.stderr
        return not quiet and hasattr(stream, "isatty") and stream.isatty()
