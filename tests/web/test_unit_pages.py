"""The unit list and the unit page: numbers, findings, record ids behind sign-in, the audit trail.

Expected values come from the snapshot's own output rows and the quality report, read
independently of the page code, and the periods are hand-checked from the test county's
cutoff (2026-01-05 06:00 Helsinki: the latest complete month is December 2025 and the latest
complete quarter 2025-Q4).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tilannekuva.model.extract_schema import SERVICE_AREAS
from tilannekuva.quality.report import QualityReport
from tilannekuva.web.i18n import Formatter
from tilannekuva.web.quality_ids import RecordId, RecordIdsUnavailable, ids_csv, unit_record_ids
from tilannekuva.web.service_areas import SERVICE_AREA_NAMES
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.viewer import UserRole

UNIT = "205-TA1-VO"  # Kajaanin terveysasema, vastaanotto: the busiest reception
MONTH, QUARTER = "2025-12", "2025-Q4"


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def row_cells(page: str, row_id: str) -> list[str]:
    """The texts of the header and data cells of the table row with ``id=row_id``."""
    found = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', page, re.S)
    assert found, f"no row {row_id}"
    return [
        text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)
    ]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def audit_entries(client: TestClient) -> list:
    return client.app.state.accounts.audit_entries()  # type: ignore[attr-defined]


def unit_examples(report: QualityReport, unit_id: str) -> dict[str, tuple[str, ...]]:
    """The report's example ids of each check for a unit (what must never reach the public)."""
    return {
        result.check.id: unit.examples
        for result in report.results
        for unit in result.units
        if unit.unit_id == unit_id and unit.examples
    }


# --- the unit list --------------------------------------------------------------------------


def test_units_page_lists_every_unit_under_its_municipality(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    page = client.get("/units").text
    for unit in county_snapshot.units:
        assert f'href="/units/{unit.unit_id}"' in page
    kajaani = page.split('id="municipality-205"')[1].split("<section")[0]
    assert f'href="/units/{UNIT}"' in kajaani
    assert 'href="/units/105-TA1-VO"' not in kajaani  # Hyrynsalmi's reception
    assert "<h3>Vastaanotto</h3>" in kajaani and "<h3>Suun terveydenhuolto</h3>" in kajaani


def test_swedish_pages_name_service_areas_and_municipalities_in_swedish(client: TestClient) -> None:
    page = client.get("/units?lang=sv").text
    assert "<h3>Mottagning</h3>" in page and "<h3>Munhälsovård</h3>" in page
    assert "<h3>Vastaanotto</h3>" not in page
    assert ">Kajana</h2>" in page
    unit_page = client.get(f"/units/{UNIT}?lang=sv").text
    assert "<dd>Mottagning</dd>" in unit_page and "<dd>Kajana</dd>" in unit_page


def test_every_service_area_of_the_extract_format_has_a_name_in_each_language() -> None:
    assert set(SERVICE_AREA_NAMES) == set(SERVICE_AREAS)
    for names in SERVICE_AREA_NAMES.values():
        assert set(names) == {"fi", "sv", "en"} and all(names.values())


# --- the unit page: indicators --------------------------------------------------------------


def test_unit_page_shows_the_latest_complete_month_and_quarter(client: TestClient) -> None:
    page = client.get(f"/units/{UNIT}?lang=en").text
    table = page.split('<table class="unit-indicators">')[1].split("</thead>")[0]
    headers = [text_of(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]
    # January 2026 was still running at the cutoff (2026-01-05), so December and Q4 are shown.
    assert headers[1:5] == ["December 2025", "n (December 2025)", "Q4 2025", "n (Q4 2025)"]
    assert headers[6] == "Status (Q4 2025)"


def test_unit_page_numbers_equal_the_snapshot_rows(
    client_as: Callable[[UserRole], TestClient], county_snapshot: Snapshot
) -> None:
    page = client_as("analyst").get(f"/units/{UNIT}").text
    checked = 0
    for indicator_id in ("care_guarantee_7d", "remote_contact_share_20plus", "assessment_coverage"):
        rows = {
            r.period: r
            for r in county_snapshot.rows(indicator_id, role="analyst")
            if r.unit_id == UNIT
        }
        cells = row_cells(page, f"indicator-{indicator_id}")
        for row, value_cell, n_cell in (
            (rows[MONTH], cells[1], cells[2]),
            (rows[QUARTER], cells[3], cells[4]),
        ):
            assert row.value is not None and row.denominator is not None
            assert value_cell.startswith(f"{row.value:.1f}".replace(".", ",") + " %")
            assert digits(n_cell) == str(int(row.denominator))
            checked += 1
    assert checked == 6


def test_unit_page_lists_every_indicator_the_unit_has_rows_for(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    page = client.get(f"/units/{UNIT}").text
    listed = set(re.findall(r'<tr id="indicator-([a-z0-9_]+)">', page))
    expected = {
        i
        for i in county_snapshot.indicator_ids()
        if any(r.unit_id == UNIT for r in county_snapshot.rows(i, role="public"))
    }
    assert listed == expected and len(listed) > 20
    assert f'href="/indicators/care_guarantee_7d?scope=unit&amp;unit={UNIT}"' in page


def test_unit_page_states_the_target_status_in_words(
    client_as: Callable[[UserRole], TestClient], county_snapshot: Snapshot
) -> None:
    (row,) = [
        r
        for r in county_snapshot.rows("care_guarantee_7d", role="analyst")
        if r.unit_id == UNIT and r.period == QUARTER
    ]
    assert row.value is not None
    cells = row_cells(
        client_as("analyst").get(f"/units/{UNIT}?lang=en").text, "indicator-care_guarantee_7d"
    )
    assert "80.0%" in cells[5]  # the RRF target in force for 2025-Q4
    assert cells[6] == ("Target met" if row.value >= 80 else "Below target")


def test_public_unit_page_hides_small_cells(client: TestClient, county_snapshot: Snapshot) -> None:
    """A cell the public role suppresses shows the word, never the analyst's number."""
    for unit in county_snapshot.units:
        hidden = [
            r
            for r in county_snapshot.rows("care_guarantee_7d", role="public")
            if r.unit_id == unit.unit_id and r.period == QUARTER and r.suppressed
        ]
        if hidden:
            break
    else:
        pytest.skip("no suppressed quarter in the test county")
    cells = row_cells(
        client.get(f"/units/{unit.unit_id}?lang=en").text, "indicator-care_guarantee_7d"
    )
    assert cells[3].startswith("suppressed") and cells[4] == "–"


def test_unit_page_links_parent_and_children(client: TestClient) -> None:
    page = client.get("/units/205-TA1").text
    for child in ("205-TA1-VO", "205-TA1-SUU", "205-TA1-MT", "205-TA1-NEU"):
        assert f'href="/units/{child}"' in page
    assert 'href="/units/KAINUU"' in page


def test_unknown_unit_and_check_are_not_found(client_as: Callable[[UserRole], TestClient]) -> None:
    manager = client_as("manager")
    assert manager.get("/units/NO-SUCH-UNIT").status_code == 404
    assert manager.get("/units/NO-SUCH-UNIT/quality/orphan_assessments.csv").status_code == 404
    assert manager.get(f"/units/{UNIT}/quality/no_such_check.csv").status_code == 404
    assert manager.get(f"/units/{UNIT}/quality/duplicate_keys.csv").status_code == 404  # no unit
    assert audit_entries(manager) == []


# --- the unit page: data quality ------------------------------------------------------------


def findings_by_month(page: str) -> tuple[list[str], list[list[str]]]:
    """The header cells and the body rows of the "Findings by month" table."""
    table = page.split("<caption>Findings by month</caption>")[1].split("</table>")[0]
    headers = [text_of(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]
    rows = [
        [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)]
        for body in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    ]
    return headers, rows


def test_orphan_counts_by_month_equal_the_orphan_indicator(
    client_as: Callable[[UserRole], TestClient], county_snapshot: Snapshot
) -> None:
    """The page's orphan count of each month is the indicator's numerator (one definition)."""
    headers, rows = findings_by_month(client_as("manager").get(f"/units/{UNIT}?lang=en").text)
    column = headers.index("Orphan assessments")
    numerators = {
        Formatter("en").period(r.period): r.numerator
        for r in county_snapshot.rows("orphan_assessments", role="analyst")
        if r.unit_id == UNIT and len(r.period) == 7 and r.period[5] != "Q"
    }
    compared = 0
    for cells in rows:
        if cells[0] in numerators:
            assert int(digits(cells[column])) == numerators[cells[0]]
            compared += 1
    assert compared >= 12


def test_public_visitors_see_small_finding_counts_as_fewer_than_5(
    client: TestClient, client_as: Callable[[UserRole], TestClient]
) -> None:
    _, public_rows = findings_by_month(client.get(f"/units/{UNIT}?lang=en").text)
    _, staff_rows = findings_by_month(client_as("manager").get(f"/units/{UNIT}?lang=en").text)
    small = 0
    for public, staff in zip(public_rows, staff_rows, strict=True):
        for shown, exact in zip(public[1:], staff[1:], strict=True):
            if exact in {"1", "2", "3", "4"}:
                assert shown == "fewer than 5"
                small += 1
            else:
                assert shown == exact
    assert small > 0  # the county has months with 1–4 findings of some check


def test_public_sees_counts_but_no_record_ids_and_nothing_is_audited(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    assert county_snapshot.quality is not None
    examples = unit_examples(county_snapshot.quality, UNIT)
    assert {"orphan_assessments", "broken_links"} <= set(examples)
    response = client.get(f"/units/{UNIT}?lang=en")
    for ids in examples.values():
        for record_id in ids:
            assert record_id not in response.text
    assert "shown to signed-in staff" in response.text
    assert client.get(f"/units/{UNIT}/quality/broken_links.csv").status_code == 403
    assert audit_entries(client) == []


@pytest.mark.parametrize("role", ["manager", "analyst"])
def test_signed_in_staff_see_record_ids_and_each_view_is_audited(
    client_as: Callable[[UserRole], TestClient], county_snapshot: Snapshot, role: UserRole
) -> None:
    assert county_snapshot.quality is not None
    signed_in = client_as(role)
    response = signed_in.get(f"/units/{UNIT}")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    broken = county_snapshot.quality.result("broken_links")
    (unit_broken,) = [u for u in broken.units if u.unit_id == UNIT]
    for record_id in unit_broken.examples:
        assert f'<th scope="row">{record_id}</th>' in response.text
    entries = audit_entries(signed_in)
    with_findings = {
        r.check.id
        for r in county_snapshot.quality.results
        if any(u.unit_id == UNIT and u.count for u in r.units)
    }
    assert {e.detail.split(":")[0] for e in entries} == with_findings
    for entry in entries:
        assert (entry.username, entry.role) == (f"test-{role}", role)
        assert entry.action == "view_quality_ids" and entry.subject == UNIT
    (broken_entry,) = [e for e in entries if e.detail.startswith("broken_links:")]
    assert all(record_id in broken_entry.detail for record_id in unit_broken.examples)


def test_long_id_lists_are_capped_and_the_csv_holds_every_id(
    client_as: Callable[[UserRole], TestClient], county_snapshot: Snapshot
) -> None:
    assert county_snapshot.quality is not None
    (orphans,) = [
        u for u in county_snapshot.quality.result("orphan_assessments").units if u.unit_id == UNIT
    ]
    assert orphans.count > 100  # the test county has hundreds of orphans in this unit
    manager = client_as("manager")
    page = manager.get(f"/units/{UNIT}?lang=en").text
    assert f"showing 100 of {orphans.count}" in text_of(page)
    download = manager.get(f"/units/{UNIT}/quality/orphan_assessments.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "no-store" in download.headers["cache-control"]
    lines = list(csv.DictReader(io.StringIO(download.text)))
    assert len(lines) == orphans.count
    assert {line["unit_id"] for line in lines} == {UNIT}
    assert {line["check_id"] for line in lines} == {"orphan_assessments"}
    assert [line["record_id"] for line in lines[: len(orphans.examples)]] == list(orphans.examples)
    assert {line["detail"] for line in lines} <= {"provisional", "final"}
    (entry,) = [e for e in audit_entries(manager) if e.action == "download_quality_ids"]
    assert entry.subject == UNIT and entry.detail.startswith(
        f"orphan_assessments: {orphans.count} ids"
    )
    assert all(line["record_id"] in entry.detail for line in lines)


def test_ids_of_another_load_are_refused(county_warehouse: Path) -> None:
    """Counts come from the snapshot's load; ids of a different load must not be mixed in."""
    with pytest.raises(RecordIdsUnavailable):
        unit_record_ids(county_warehouse, "not-the-current-load", "orphan_assessments", UNIT)


def test_csv_cells_are_never_spreadsheet_formulas() -> None:
    text = ids_csv("=unit", "broken_links", [RecordId("=HYPERLINK(1)", "2025-01", "+x")])
    (line,) = list(csv.DictReader(io.StringIO(text)))
    assert line["unit_id"] == "'=unit" and line["record_id"] == "'=HYPERLINK(1)"
    assert line["detail"] == "'+x"
