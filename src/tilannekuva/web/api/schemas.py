"""Response models of the JSON API: what each route promises, in the OpenAPI schema.

The models restate shapes that are declared elsewhere (output-v1 rows, the indicator
catalogue, the quality report's ``to_dict``) so that API clients — Power BI among them — get a
schema they can read without the Python code. Field names are the same as in those
declarations, and flat where a table is the natural shape, so a column in Power BI has the
name the CLI's file gives it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["analyst", "public"]
Scope = Literal["unit", "municipality"]


class TargetOut(BaseModel):
    """A target of an indicator, in the indicator's unit of measure."""

    value: float = Field(description="Target value in the indicator's unit.")
    deadline: str | None = Field(
        description="Period by which the target should be met (`2025-Q4`), or null."
    )
    note: str = Field(description="Why the target is as it is; empty when nothing to add.")


class IndicatorDefinition(BaseModel):
    """One indicator of the catalogue (indicators-v1), declared once in the package."""

    id: str = Field(description="Indicator id, e.g. `care_guarantee_7d`.")
    name_fi: str
    name_sv: str
    name_en: str
    definition: str = Field(description="What is counted, in words.")
    numerator: str = Field(description="What the numerator counts; empty for medians/counts.")
    denominator: str = Field(description="What the denominator counts; empty for medians/counts.")
    unit: str = Field(description="percent, nps, mean, index, days or count.")
    direction: str = Field(description="higher_better, lower_better or neutral.")
    anchor: str = Field(description="Which time and which unit an event is counted for.")
    source: str = Field(description="National guidance or seed document the definition follows.")
    requires: list[str] = Field(description="Extract tables the indicator reads.")
    targets: list[TargetOut]
    suppressible: bool = Field(description="Whether small cells are suppressed for the public.")
    version: str = Field(description="Definition version; every value row follows it.")
    computable: bool = Field(
        description="Whether the current load holds every table the indicator needs "
        "(false when an optional file was missing, or nothing is loaded)."
    )


class IndicatorValue(BaseModel):
    """One output-v1 row: the same columns, in the same order, as the CLI's CSV."""

    indicator_id: str
    period: str = Field(description="`2025-03`, `2025-Q1` or `2025`.")
    unit_id: str = Field(
        description="Unit id (or municipality code in scope municipality); empty for the county."
    )
    numerator: int | float | None
    denominator: int | float | None
    value: int | float | None = Field(
        description="Percent, NPS (−100…100), days, count or index; null when suppressed."
    )
    suppressed: bool = Field(description="True when the role public hides a small cell (n 1–4).")
    provisional: bool = Field(description="True while the figure may still change.")


class LoadProvenance(BaseModel):
    """The load a number came from."""

    load_id: str
    extract_id: str
    cutoff: datetime | None = Field(description="Extract cutoff, UTC.")
    cutoff_local: datetime | None = Field(description="Extract cutoff, Europe/Helsinki time.")


class IndicatorValues(BaseModel):
    """Rows of one indicator, with the definition version, load and role they belong to."""

    indicator_id: str
    definition_version: str
    role: Role = Field(description="public: small cells suppressed; analyst: nothing suppressed.")
    scope: Scope
    load: LoadProvenance | None = Field(description="Null when nothing has been loaded yet.")
    rows: list[IndicatorValue]


class UnitOut(BaseModel):
    """One organisation unit of the current load (extract-v1 `units.csv`)."""

    unit_id: str
    name: str
    municipality_code: str = Field(description="Statistics Finland municipality code.")
    municipality_name_fi: str = Field(description="Finnish name; the code when not known.")
    municipality_name_sv: str = Field(description="Swedish name; the code when not known.")
    service_area: str
    parent_id: str | None


class LoadOut(BaseModel):
    """One load of the warehouse's history."""

    load_id: str
    extract_id: str
    source: str | None = Field(description="The extract's own description of its source.")
    cutoff: datetime | None = Field(description="UTC.")
    cutoff_local: datetime | None = Field(description="Europe/Helsinki time.")
    loaded_at: datetime | None = Field(description="UTC.")
    rows_loaded: int
    rows_quarantined: int
    duplicates_dropped: int
    is_current: bool


class QuarantineSummary(BaseModel):
    """Rows of one file rejected for one reason code in the current load."""

    file: str
    reason_code: str
    rows: int
    example_reason: str = Field(description="One of the reasons given, in words.")


class LoadsOut(BaseModel):
    """The load history, newest first, and (for analysts) what the current load rejected."""

    role: Role
    loads: list[LoadOut]
    quarantine: list[QuarantineSummary] | None = Field(
        description="Current load's rejected rows per file and reason code; analysts only "
        "(null for everyone else)."
    )


class CheckName(BaseModel):
    fi: str
    sv: str
    en: str


class UnitMonthCount(BaseModel):
    unit_id: str | None
    month: str | None
    count: int | None = Field(description="Null when suppressed for the public (1–4).")


class UnitFindingsOut(BaseModel):
    unit_id: str | None
    count: int | None = Field(description="Null when suppressed for the public (1–4).")
    examples: list[str] = Field(description="Record ids to fix; always empty for the public.")


class CheckOut(BaseModel):
    """One data-quality check's findings in the current load."""

    id: str
    severity: str = Field(description="error, warning or info.")
    name: CheckName
    description: str
    action: str = Field(description="What to do about a finding.")
    total: int | None
    by_detail: dict[str, int | None]
    by_unit_month: list[UnitMonthCount]
    units: list[UnitFindingsOut]


class MissingSourceOut(BaseModel):
    table: str
    disables: list[str]


class QualityReportOut(BaseModel):
    """The quality report of the current load, as `tilannekuva quality --json` writes it."""

    report: str
    format_version: int
    load_id: str
    extract_id: str
    cutoff: str | None = Field(description="UTC, ISO 8601.")
    cutoff_local: str | None = Field(description="Europe/Helsinki time, ISO 8601.")
    example_limit: int = Field(description="Examples per unit and check; 0 for the public.")
    totals: dict[str, int | None]
    checks: list[CheckOut]
    missing_sources: list[MissingSourceOut]
    disabled_indicators: list[str]


class ErrorOut(BaseModel):
    """What every error of the API looks like."""

    detail: str
