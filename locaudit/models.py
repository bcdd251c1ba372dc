"""The output contract (``shared/contract.md``) as pydantic v2 models.

These models are the single source of truth for what locaudit writes: the CLI, the batch
writers and ``locaudit schema`` all go through them. Field names and enum values are a public
interface; add fields freely, never rename or remove one without a major version bump.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Verdict = Literal["supported", "not_supported", "needs_review", "not_applicable", "error"]
Laterality = Literal["left", "right"]
Guidance = Literal["stereotactic", "mammographic", "ultrasound", "mri"]
DeviceType = Literal[
    "wire",
    "clip",
    "radioactive_seed",
    "magnetic_seed",
    "radar_reflector",
    "rfid_tag",
    "pellet",
    "coil",
    "other",
]
Purpose = Literal["localization", "biopsy_marker"]
Severity = Literal["info", "warning", "error"]
BilledStatus = Literal["match", "overcoded", "undercoded", "mismatch"]

DEVICE_TYPES: tuple[str, ...] = DeviceType.__args__  # type: ignore[attr-defined]
GUIDANCES: tuple[str, ...] = Guidance.__args__  # type: ignore[attr-defined]
VERDICTS: tuple[str, ...] = Verdict.__args__  # type: ignore[attr-defined]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """A span of the original note text, by character offsets (end exclusive)."""

    start: int = Field(ge=0, description="Start offset into the note as received.")
    end: int = Field(ge=0, description="End offset (exclusive).")
    text: str = Field(description="The quoted text, or '[REDACTED]' when redaction is on.")


class CodeLine(_Frozen):
    code: str = Field(description="CPT code, e.g. '19283'.")
    units: int = Field(ge=1, description="Units of service (lesions, not devices).")
    modifiers: list[str] = Field(default_factory=list, description="e.g. ['LT'] or ['RT','LT'].")
    lesions: list[int] = Field(default_factory=list, description="Indexes into `lesions`.")


class Lesion(_Frozen):
    index: int = Field(ge=1, description="1-based, in order of first placement in the note.")
    laterality: Laterality | None = Field(description="Breast side, or null if undocumented.")
    guidance: Guidance | None = Field(description="Modality used to place the device(s).")
    devices: list[DeviceType] = Field(description="Device types placed at this lesion.")
    purpose: Purpose = Field(description="localization, or biopsy_marker for a biopsy clip.")
    location: str | None = Field(default=None, description="Location as documented.")
    evidence: list[Evidence] = Field(default_factory=list)


class Finding(_Frozen):
    code: str = Field(description="Stable finding code, e.g. BRACKETING_SINGLE_LESION.")
    severity: Severity
    message: str
    lesion: int | None = Field(default=None, description="Lesion index the finding is about.")
    evidence: list[Evidence] = Field(default_factory=list)


class BilledDifference(_Frozen):
    code: str
    billed_units: int
    supported_units: int


class BilledCheck(_Frozen):
    status: BilledStatus
    differences: list[BilledDifference] = Field(default_factory=list)


class ErrorInfo(_Frozen):
    kind: str = Field(description="Stable error kind, e.g. 'missing_text', 'malformed_json'.")
    message: str = Field(description="What went wrong. Never contains note text.")


class VersionInfo(_Frozen):
    locaudit: str
    rules: str = Field(description="Hash of the pattern files and rule tables in use.")


class Assessment(_Frozen):
    """One output record per input record: the contract."""

    id: str
    verdict: Verdict
    codes: list[CodeLine] = Field(default_factory=list)
    units_19284: int = Field(default=0, ge=0)
    lesions: list[Lesion] = Field(default_factory=list)
    same_session: bool | None = None
    findings: list[Finding] = Field(default_factory=list)
    query: str | None = None
    billed_check: BilledCheck | None = None
    error: ErrorInfo | None = None
    version: VersionInfo


ASSESSMENT_ADAPTER: TypeAdapter[Assessment] = TypeAdapter(Assessment)


def output_schema() -> dict:
    """JSON Schema of one output record, as printed by ``locaudit schema``."""
    schema = Assessment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "locaudit assessment record"
    return schema
