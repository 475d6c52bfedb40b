"""Missing optional files and the indicators they leave without rows.

extract-v1: "A missing optional file means 'this source is not available' and the indicators
that need it are reported as not computable, not as zero." Which indicators need which
tables is declared once, in the indicator catalogue (``Indicator.requires``); this module only
reads it, so the report and the indicator computation cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tilannekuva.indicators.catalogue import INDICATORS
from tilannekuva.model.extract_schema import TABLES
from tilannekuva.quality.context import Finding, WarehouseView


@dataclass(frozen=True)
class MissingSource:
    """An optional extract table whose file was absent, and the indicator ids it disables."""

    table: str
    disables: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "disables": list(self.disables)}


def missing_sources(view: WarehouseView) -> list[MissingSource]:
    """Every extract table of the current load that was not available, in extract-v1 order.

    A table absent from ``sources`` (a bookkeeping table such as ``contact_types``) counts as
    available; a file present with only a header is available with no rows (extract-v1).
    """
    missing = [t.name for t in TABLES if not view.available.get(t.name, True)]
    return [
        MissingSource(
            table=name,
            disables=tuple(sorted(ind.id for ind in INDICATORS if name in ind.requires)),
        )
        for name in missing
    ]


def disabled_indicators(sources: list[MissingSource]) -> tuple[str, ...]:
    """Every indicator id without rows because at least one of its tables is missing."""
    return tuple(sorted({ind for source in sources for ind in source.disables}))


def missing_optional_files(view: WarehouseView) -> list[Finding]:
    """One finding per missing file; the example is the table name."""
    return [Finding(None, None, source.table) for source in missing_sources(view)]
