"""Building small extracts for indicator tests and reading the computed rows back.

Every fixture is CSV text written to a folder and loaded through the real
``tilannekuva.ingest.load_extract``, so the tests see exactly what the engine sees in
production (typed columns, UTC and local time stamps, the current load's cutoff).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.extract_files import write_extract
from tilannekuva.indicators import IndicatorRow, indicators_for_extract

CONTACT_HEADER = (
    "contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,"
    "assessment_id,reason_codes,booked_at"
)
ASSESSMENT_HEADER = "assessment_id,person_id,unit_id,assessed_at,professional_group,outcome"

UNITS = """\
unit_id,name,municipality_code,service_area,parent_id
u1,Kajaanin terveysasema,205,reception,
u2,Kajaanin hammashoitola,205,oral,
u3,Mielenterveyspalvelut,205,mental,
"""

PERSONS = """\
person_id,birth_date,sex,municipality_code
p1,1980-05-05,2,205
p2,1990-01-01,1,205
"""


def table(header: str, rows: Iterable[str]) -> str:
    """CSV text: the header line and one line per row."""
    return "\n".join([header, *rows]) + "\n"


def contact(
    contact_id: str,
    start_at: str,
    *,
    person: str = "p1",
    unit: str = "u1",
    contact_type: str = "R10",
    group: str = "doctor",
    urgency: str = "nonurgent",
    care_plan: str = "",
    assessment: str = "",
) -> str:
    """One contacts.csv line with sensible defaults (an eligible non-urgent doctor visit)."""
    return (
        f"{contact_id},{person},{unit},{start_at},{contact_type},{group},{urgency},{care_plan},"
        f"{assessment},,"
    )


def assessment(
    assessment_id: str,
    assessed_at: str,
    *,
    person: str = "p1",
    unit: str = "u1",
    outcome: str = "nonurgent_care",
) -> str:
    """One assessments.csv line (a nurse's assessment)."""
    return f"{assessment_id},{person},{unit},{assessed_at},nurse,{outcome}"


@dataclass
class Computed:
    """The rows of one computation, looked up by indicator, period and unit."""

    rows: list[IndicatorRow]
    quarantined: int

    def get(self, indicator_id: str, period: str, unit_id: str = "") -> IndicatorRow | None:
        for row in self.rows:
            if (row.indicator_id, row.period, row.unit_id) == (indicator_id, period, unit_id):
                return row
        return None

    def row(self, indicator_id: str, period: str, unit_id: str = "") -> IndicatorRow:
        found = self.get(indicator_id, period, unit_id)
        assert found is not None, f"no row {indicator_id} {period} {unit_id!r}"
        return found

    def nd(self, indicator_id: str, period: str, unit_id: str = "") -> tuple[object, object]:
        """(numerator, denominator) of a row."""
        found = self.row(indicator_id, period, unit_id)
        return (found.numerator, found.denominator)

    def of(self, indicator_id: str) -> list[IndicatorRow]:
        return [row for row in self.rows if row.indicator_id == indicator_id]

    def ids(self) -> set[str]:
        return {row.indicator_id for row in self.rows}


def compute(
    folder: Path,
    tables: Mapping[str, str],
    *,
    role: str = "analyst",
    cutoff: str | None = "2026-12-31T12:00:00+02:00",
) -> Computed:
    """Write the extract (units and persons defaulted), load it and compute every row.

    A fixed ``cutoff`` in ``extract.json`` keeps "provisional" and "reply after the cutoff"
    independent of which timestamps a test happens to use; ``None`` leaves it to the data.
    """
    files = {"units": UNITS, "persons": PERSONS, "contacts": table(CONTACT_HEADER, []), **tables}
    meta = {"extract_id": "test", "cutoff": cutoff, "source": "test"} if cutoff else None
    extract = write_extract(folder / "extract", dict(files), meta=meta)
    run = indicators_for_extract(extract, role=role, warehouse=folder / "w.duckdb")
    return Computed(run.rows, run.load.rows_quarantined)
