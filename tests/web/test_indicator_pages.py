"""The indicator catalogue and explorer pages over the synthetic county, and their downloads:
the numbers on screen are the snapshot's rows for the viewer's role, and every download holds
exactly the table on screen."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser

import openpyxl
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from tests.web.tiny_snapshot import FixedSnapshots, tiny_snapshot
from tilannekuva.indicators.catalogue import INDICATORS, INDICATORS_BY_ID
from tilannekuva.indicators.periods import COUNTY, period_last_day
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.i18n import Formatter
from tilannekuva.web.pages.indicators import GROUPS
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.values import format_value
from tilannekuva.web.viewer import UserRole

CG = "care_guarantee_7d"
QUARTERS_BY_UNIT = "period=quarter&scope=unit&lang=en"
SUPPRESSED = "suppressed (fewer than 5)"


class ExplorerTable(HTMLParser):
    """The rows of ``table#explorer-table`` as {column key: cell text} (the header cell
    under ``scope_name``)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._inside = False
        self._in_body = False
        self._key: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "table" and named.get("id") == "explorer-table":
            self._inside = True
        elif self._inside and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append({})
        elif self._in_body and tag == "th":
            self._key = "scope_name"
        elif self._in_body and tag == "td":
            self._key = named.get("data-column") or "empty"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self._key = None
        elif tag == "table":
            self._inside = self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._key is not None:
            row = self.rows[-1]
            row[self._key] = (row.get(self._key, "") + data).strip()


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def cutoff(snapshot: Snapshot) -> date:
    assert snapshot.load is not None and snapshot.load.cutoff_local is not None
    return snapshot.load.cutoff_local.date()


def latest_complete(snapshot: Snapshot, kind_length: int, quarter: bool) -> str:
    periods = {
        row.period
        for row in snapshot.rows(CG, role="public")
        if len(row.period) == kind_length and (row.period[5] == "Q") == quarter
    }
    return max(p for p in periods if period_last_day(p) < cutoff(snapshot))


# --- the catalogue --------------------------------------------------------------------------


def test_groups_hold_every_indicator_exactly_once() -> None:
    grouped = [indicator_id for _, ids in GROUPS for indicator_id in ids]
    assert sorted(grouped) == sorted(ind.id for ind in INDICATORS)


def test_catalogue_links_every_indicator(client: TestClient) -> None:
    html = client.get("/indicators").text
    linked = set(re.findall(r'href="/indicators/([a-z0-9_]+)"', html))
    assert linked == {ind.id for ind in INDICATORS}


def test_catalogue_shows_the_county_value_of_the_latest_complete_month(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    county = {r.period: r for r in county_snapshot.rows(CG, role="public") if r.unit_id == COUNTY}
    month = max(
        p
        for p in county
        if len(p) == 7 and p[5] != "Q" and period_last_day(p) < cutoff(county_snapshot)
    )
    fmt = Formatter("en")
    expected = format_value(fmt, INDICATORS_BY_ID[CG].unit, county[month].value, str)
    html = client.get("/indicators?lang=en").text
    row = html[html.index(f'href="/indicators/{CG}"') :].split("</tr>")[0]
    assert fmt.period(month) in row and expected in row


# --- the explorer page ----------------------------------------------------------------------


def test_unknown_indicator_and_format_are_404(client: TestClient) -> None:
    assert client.get("/indicators/no_such_thing").status_code == 404
    assert client.get("/indicators/no_such_thing/download.csv").status_code == 404
    assert client.get(f"/indicators/{CG}/download.json").status_code == 404


def test_indicator_without_rows_in_the_load_says_so(web_config: WebConfig) -> None:
    app = create_app(web_config, snapshots=FixedSnapshots(tiny_snapshot(with_rows=False)))
    with TestClient(app) as test_client:
        response = test_client.get(f"/indicators/{CG}?lang=en")
    assert response.status_code == 200
    assert "This indicator has no rows in the current load" in response.text
    assert "explorer-table" not in response.text
    assert INDICATORS_BY_ID[CG].definition in response.text


def test_page_shows_definition_version_source_and_targets(client: TestClient) -> None:
    html = client.get(f"/indicators/{CG}").text  # Finnish by default
    indicator = INDICATORS_BY_ID[CG]
    assert f"<h1>{indicator.name_fi}</h1>" in html
    assert indicator.definition in html and indicator.source in html
    assert "≥ 66,0 %" in html and "≥ 80,0 %" in html  # both targets, decimal comma


def test_public_page_hides_small_cells_and_analyst_page_shows_them(
    client: TestClient, client_as: Callable[[UserRole], TestClient], county_snapshot: Snapshot
) -> None:
    quarter = latest_complete(county_snapshot, 7, quarter=True)
    public_rows = {
        r.unit_id: r
        for r in county_snapshot.rows(CG, role="public")
        if r.period == quarter and r.unit_id
    }
    hidden = sorted(code for code, r in public_rows.items() if r.suppressed)
    assert hidden, "the county should have small units in the latest quarter"
    screens = {
        "public": ExplorerTable(client.get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}").text).rows,
        "analyst": ExplorerTable(
            client_as("analyst").get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}").text
        ).rows,
    }
    en = Formatter("en")
    for role, rows in screens.items():
        shown = {r["scope_code"]: r for r in rows if r["period"] == en.period(quarter)}
        for code in hidden:
            if role == "public":
                assert shown[code]["value"] == SUPPRESSED and shown[code]["suppressed"] == "yes"
                assert shown[code]["denominator"] == "–"
            else:
                analyst = next(
                    r
                    for r in county_snapshot.rows(CG, role="analyst")
                    if r.period == quarter and r.unit_id == code
                )
                assert shown[code]["suppressed"] == "no"
                assert shown[code]["denominator"] == en.number(analyst.denominator, 0)


@pytest.mark.parametrize("role", ["public", "analyst"])
def test_csv_download_is_the_table_on_screen(
    role: str, client: TestClient, client_as: Callable[[UserRole], TestClient]
) -> None:
    viewer = client if role == "public" else client_as("analyst")
    page = viewer.get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}").text
    link = re.search(r'href="(/indicators/care_guarantee_7d/download\.csv\?[^"]+)"', page)
    assert link is not None
    on_screen = ExplorerTable(page).rows
    downloaded = csv_rows(viewer.get(link.group(1).replace("&amp;", "&")).content)
    same_query = csv_rows(viewer.get(f"/indicators/{CG}/download.csv?{QUARTERS_BY_UNIT}").content)
    assert downloaded == same_query
    assert len(downloaded) == len(on_screen) > 1
    fmt = Formatter("en")
    unit = INDICATORS_BY_ID[CG].unit
    for screen, machine in zip(on_screen, downloaded, strict=True):
        assert screen["period"] == fmt.period(machine["period"])
        assert screen["scope_code"] == (machine["scope_code"] or "–")
        assert screen["scope_name"] == machine["scope_name"]
        assert screen["load_id"] == machine["load_id"]
        assert screen["suppressed"] == ("yes" if machine["suppressed"] == "true" else "no")
        assert screen["provisional"] == ("yes" if machine["provisional"] == "true" else "no")
        if machine["suppressed"] == "true":
            assert machine["value"] == "" and screen["value"] == SUPPRESSED
        else:
            value = float(machine["value"])
            assert screen["value"] == format_value(fmt, unit, value, str)
            assert screen["denominator"] == fmt.number(int(machine["denominator"]), 0)
    suppressed = sum(row["suppressed"] == "true" for row in downloaded)
    assert (suppressed > 0) == (role == "public")


@pytest.mark.parametrize("role", ["public", "analyst"])
def test_excel_and_parquet_downloads_carry_the_same_rows_and_provenance(
    role: str,
    client: TestClient,
    client_as: Callable[[UserRole], TestClient],
    county_snapshot: Snapshot,
) -> None:
    viewer = client if role == "public" else client_as("analyst")
    query = f"/indicators/{CG}/download.{{}}?{QUARTERS_BY_UNIT}"
    expected = csv_rows(viewer.get(query.format("csv")).content)
    xlsx = viewer.get(query.format("xlsx"))
    assert xlsx.headers["content-disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet_rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(sheet_rows) == len(expected)
    assert [r[0] for r in sheet_rows] == [r["period"] for r in expected]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert county_snapshot.load is not None
    assert about["load_id"] == county_snapshot.load.load_id
    assert about["extract_id"] == county_snapshot.load.extract_id
    assert about["role"] == role and about["indicator_id"] == CG
    table = pq.read_table(io.BytesIO(viewer.get(query.format("parquet")).content))
    assert table.num_rows == len(expected)
    assert table.column("scope_code").to_pylist() == [r["scope_code"] for r in expected]
    metadata = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    assert metadata["load_id"] == county_snapshot.load.load_id and metadata["role"] == role


def test_summary_names_the_unit_furthest_from_the_target(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    quarter = latest_complete(county_snapshot, 7, quarter=True)
    rows = [r for r in county_snapshot.rows(CG, role="public") if r.period == quarter]
    valued = [r for r in rows if r.unit_id and r.value is not None]
    lowest = min(valued, key=lambda r: r.value or 0)
    unit = county_snapshot.unit(lowest.unit_id)
    assert unit is not None
    fmt = Formatter("en")
    county = next(r for r in rows if r.unit_id == COUNTY)
    html = client.get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}").text
    summary = html[html.index('id="summary-heading"') :].split("</section>")[0]
    county_value = format_value(fmt, INDICATORS_BY_ID[CG].unit, county.value, str)
    assert f"In {fmt.period(quarter)} the county value was {county_value}" in summary
    assert (
        f"{unit.name} {format_value(fmt, INDICATORS_BY_ID[CG].unit, lowest.value, str)}" in summary
    )


def test_charts_are_named_images_without_inline_styles(client: TestClient) -> None:
    html = client.get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}").text
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2  # over time, and the comparison
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert not re.search(r"\sstyle=", html)
    assert "<script" not in html


def test_more_series_than_fit_are_announced(client: TestClient, county_snapshot: Snapshot) -> None:
    units = sorted({r.unit_id for r in county_snapshot.rows(CG, role="public") if r.unit_id})[:9]
    query = "&".join(f"unit={code}" for code in units)
    html = client.get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}&{query}").text
    assert "the first 7 of the 9 chosen" in html
    line_chart = re.findall(r"<svg.*?</svg>", html, flags=re.S)[0]
    legend = set(re.findall(r'<text[^>]*fill="#1a1a1a">([^<]+)</text>', line_chart))
    names = {unit.name for unit in county_snapshot.units if unit.unit_id in units}
    assert len(legend & names) == 7


def test_rows_are_traced_to_their_load(client: TestClient, county_snapshot: Snapshot) -> None:
    assert county_snapshot.load is not None
    html = client.get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}").text
    load = county_snapshot.load
    assert f'href="/loads#load-{load.load_id}"' in html
    assert load.extract_id in html


def test_swedish_page_uses_swedish_names_and_decimal_comma(client: TestClient) -> None:
    html = client.get(f"/indicators/{CG}?period=quarter&scope=municipality&lang=sv").text
    assert '<html lang="sv">' in html
    assert f"<h1>{INDICATORS_BY_ID[CG].name_sv}</h1>" in html
    assert "Kajana" in html  # Kajaani in Swedish
    rows = ExplorerTable(html).rows
    assert any(re.fullmatch(r"\d+,\d %", row["value"]) for row in rows)


def test_filter_form_is_a_get_form_with_labelled_controls(client: TestClient) -> None:
    html = client.get(f"/indicators/{CG}?{QUARTERS_BY_UNIT}").text
    form = html[html.index('<form method="get"') :].split("</form>")[0]
    for control_id in re.findall(r'<select id="([^"]+)"', form):
        assert f'<label for="{control_id}">' in form
    inputs = re.findall(r"<label class=\"(?:checkbox|radio)-label\"><input [^>]+>", form)
    assert len(inputs) == len(re.findall(r"<input type=\"(?:checkbox|radio)\"", form))
