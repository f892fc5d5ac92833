"""The SPEC.md contract as pydantic models: one document's result and its parts.

Offsets are Python ``str`` indices with an exclusive end, always into the *source*
text (the file decoded as UTF-8 with no newline translation, or for a PDF the text
the extractor produced for it). The extractor, the gold files and the evaluator all
read and write these models.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Label = Literal[
    "DRUG",
    "DRUG_CLASS",
    "THERAPY",
    "TRIAL",
    "TRIAL_ID",
    "ENDPOINT",
    "PERCENTAGE",
    "HAZARD_RATIO",
    "DURATION",
    "DOSE",
    "SAMPLE_SIZE",
]
LABELS: tuple[str, ...] = Label.__args__  # type: ignore[attr-defined]

EndpointCode = Literal[
    "PFS",
    "OS",
    "ORR",
    "DCR",
    "DOR",
    "TTR",
    "IC-ORR",
    "IC-DCR",
    "IC-DOR",
    "IC-TTP",
    "IC-PFS",
    "IC-TTR",
    "CNS-PROGRESSION",
    "ISOLATED-CNS-PROGRESSION",
    "BM-INCIDENCE",
    "CSF-PENETRATION",
    "OTHER",
]
ENDPOINT_CODES: tuple[str, ...] = EndpointCode.__args__  # type: ignore[attr-defined]

Measure = Literal["proportion", "hazard_ratio", "odds_ratio", "median", "ratio", "count"]
Qualifier = Literal["=", "<", "<=", ">", ">=", "~"]
Line = Literal["first-line", "second-line", "later-line"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    path: str
    sha256: str
    format: Literal["text", "pdf"]
    pages: Optional[int] = None


class Entity(_Model):
    label: Label
    start: int
    end: int
    text: str
    page: Optional[int] = None
    norm: dict[str, Any] = Field(default_factory=dict)
    #: PDF only: [x0, top, x1, bottom] in PDF points on ``page`` (an extension of SPEC.md).
    bbox: Optional[list[float]] = None


class Value(_Model):
    low: Optional[float] = None
    high: Optional[float] = None
    qualifier: Qualifier = "="
    unit: Optional[str] = None
    not_reached: bool = False


class CI(_Model):
    low: Optional[float] = None
    high: Optional[float] = None
    level: Optional[float] = 95


class PValue(_Model):
    value: float
    qualifier: Qualifier = "="


class Timepoint(_Model):
    value: float
    unit: str


class Evidence(_Model):
    start: int
    end: int
    text: str
    page: Optional[int] = None
    bbox: Optional[list[float]] = None


class Finding(_Model):
    endpoint: EndpointCode
    endpoint_text: Optional[str] = None
    measure: Measure
    value: Value
    span: list[int] = Field(min_length=2, max_length=2)
    ci: Optional[CI] = None
    p_value: Optional[PValue] = None
    intervention: list[str] = Field(default_factory=list)
    comparator: Optional[list[str]] = None
    trial: Optional[str] = None
    registry_ids: list[str] = Field(default_factory=list)
    population: list[str] = Field(default_factory=list)
    line: Optional[Line] = None
    timepoint: Optional[Timepoint] = None
    evidence: Evidence


class TrialDose(_Model):
    drug: str
    amount: Optional[float] = None
    unit: Optional[str] = None
    frequency: Optional[str] = None


class Trial(_Model):
    name: Optional[str] = None
    registry_ids: list[str] = Field(default_factory=list)
    interventions: list[str] = Field(default_factory=list)
    doses: list[TrialDose] = Field(default_factory=list)
    line: Optional[Line] = None
    phase: Optional[str] = None
    mentions: list[list[int]] = Field(default_factory=list)


class Abbreviation(_Model):
    short: str
    long: str


class Result(_Model):
    schema_version: str = SCHEMA_VERSION
    doc_id: str
    source: Source
    entities: list[Entity] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    trials: list[Trial] = Field(default_factory=list)
    abbreviations: list[Abbreviation] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    #: The text every offset indexes; only filled with ``--include-text``.
    text: Optional[str] = None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one document's result (what ``alkextract schema`` prints)."""
    return Result.model_json_schema()
