"""locaudit: does this breast-imaging procedure note support billing CPT 19284?

    >>> import locaudit
    >>> result = locaudit.assess(note_text)
    >>> result.verdict, result.units_19284

For embedding (transcription systems, services), ``locaudit.Checker`` loads once, is safe to
share between threads and takes ``billed``; see :mod:`locaudit.api`.

``load()`` builds the spaCy pipeline once (blank English + rule components); ``assess`` and
``assess_many`` reuse it. Results follow the output contract (:mod:`locaudit.models`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from threading import Lock

from spacy.language import Language

from locaudit.__about__ import __version__
from locaudit.models import Assessment

__all__ = ["Assessment", "Checker", "__version__", "assess", "assess_many", "load"]

_PIPELINES: dict[str | None, Language] = {}
_LOCK = Lock()


def load(patterns_dir: str | Path | None = None) -> Language:
    """The pipeline for ``patterns_dir`` (default: the packaged patterns), built once."""
    key = str(patterns_dir) if patterns_dir else None
    with _LOCK:
        if key not in _PIPELINES:
            from locaudit.nlp.pipeline import build_pipeline

            _PIPELINES[key] = build_pipeline(key)
        return _PIPELINES[key]


def assess(
    text: str,
    record_id: str = "note",
    *,
    patterns_dir: str | Path | None = None,
    redact: bool = False,
) -> Assessment:
    """Assess one note."""
    return next(assess_many([text], [record_id], patterns_dir=patterns_dir, redact=redact))


def assess_many(
    texts: Iterable[str],
    ids: Iterable[str] | None = None,
    *,
    patterns_dir: str | Path | None = None,
    redact: bool = False,
    batch_size: int = 64,
) -> Iterator[Assessment]:
    """Assess many notes through ``nlp.pipe``; yields one Assessment per text, in order.

    An empty or non-text note gives an ``error`` record, as in a batch run."""
    from locaudit.batch import assess_records
    from locaudit.io.records import record_from_obj

    id_iter = iter(ids) if ids is not None else (f"note:{i}" for i in _count())
    records = (
        record_from_obj({"id": next(id_iter), "text": text}, n) for n, text in enumerate(texts, 1)
    )
    yield from assess_records(
        records, patterns_dir=patterns_dir, redact=redact, batch_size=batch_size
    )


def _count() -> Iterator[int]:
    n = 1
    while True:
        yield n
        n += 1


# Last, because locaudit.api imports load() from this module.
from locaudit.api import Checker  # noqa: E402
