"""Loading the coding tables (codes, findings, queries) from the TOML files beside this module."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class FindingSpec:
    code: str
    severity: str
    rule: str
    message: str


@dataclass(frozen=True)
class Tables:
    localization: dict[str, dict[str, str]]
    biopsy: dict[str, dict[str, str]]
    modifiers: dict[str, str]
    findings: dict[str, FindingSpec]
    queries: dict[str, str]


def _read(name: str) -> dict:
    with (HERE / name).open("rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=1)
def load_tables() -> Tables:
    codes = _read("codes.toml")
    findings = {
        code: FindingSpec(code, spec["severity"], spec["rule"], spec["message"])
        for code, spec in _read("findings.toml").items()
    }
    return Tables(
        localization=codes["localization"],
        biopsy=codes["biopsy"],
        modifiers=codes["modifiers"],
        findings=findings,
        queries=_read("queries.toml"),
    )
