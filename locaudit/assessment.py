"""Facts + decision -> the contract record (:class:`locaudit.models.Assessment`)."""

from __future__ import annotations

from locaudit.__about__ import __version__
from locaudit.coding import decide
from locaudit.facts import NoteFacts, Span
from locaudit.models import (
    Assessment,
    CodeLine,
    ErrorInfo,
    Evidence,
    Finding,
    Lesion,
    VersionInfo,
)

REDACTED = "[REDACTED]"


def _evidence(text: str, spans, redact: bool) -> list[Evidence]:
    out, seen = [], set()
    for start, end in spans:
        if (start, end) in seen or not 0 <= start <= end <= len(text):
            continue
        seen.add((start, end))
        out.append(Evidence(start=start, end=end, text=REDACTED if redact else text[start:end]))
    return out


def build_assessment(
    record_id: str, text: str, facts: NoteFacts, rules_version: str, redact: bool = False
) -> Assessment:
    decision = decide(facts)
    lesions = []
    for index, fact in enumerate(facts.lesions, 1):
        spans: list[Span] = list(fact.evidence)
        lesions.append(
            Lesion(
                index=index,
                laterality=fact.laterality,  # type: ignore[arg-type]
                guidance=fact.guidance,  # type: ignore[arg-type]
                devices=list(fact.devices),  # type: ignore[arg-type]
                purpose=fact.purpose,  # type: ignore[arg-type]
                location=None if redact else fact.location,
                evidence=_evidence(text, spans, redact),
            )
        )
    return Assessment(
        id=record_id,
        verdict=decision.verdict,  # type: ignore[arg-type]
        codes=[
            CodeLine(code=c.code, units=c.units, modifiers=c.modifiers, lesions=c.lesions)
            for c in decision.codes
        ],
        units_19284=decision.units_19284,
        lesions=lesions,
        same_session=decision.same_session,
        findings=[
            Finding(
                code=f.code,
                severity=f.severity,
                message=f.message,
                lesion=f.lesion,  # type: ignore[arg-type]
                evidence=_evidence(text, f.evidence, redact),
            )
            for f in decision.findings
        ],
        query=decision.query,
        version=VersionInfo(locaudit=__version__, rules=rules_version),
    )


def error_assessment(record_id: str, kind: str, message: str, rules_version: str) -> Assessment:
    """The record for input that could not be assessed. ``message`` must never hold note text."""
    return Assessment(
        id=record_id,
        verdict="error",
        error=ErrorInfo(kind=kind, message=message),
        version=VersionInfo(locaudit=__version__, rules=rules_version),
    )
