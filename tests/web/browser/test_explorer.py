"""The indicator explorer in a real browser: the filter form changes the table, and the CSV
download holds exactly the rows on screen (issue 3: "download exactly what is on screen").
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Locator, Page

from tilannekuva.web.snapshot import SnapshotStore

pytestmark = pytest.mark.browser

INDICATOR = "care_guarantee_7d"
COUNTY_CODE = "–"  # how the table shows the county's empty unit id
QUARTER = re.compile(r"^Q[1-4] \d{4}$")


@pytest.fixture(scope="module")
def two_units(county_snapshots: SnapshotStore) -> list[str]:
    """Two health-station receptions with values of the indicator."""
    snapshot = county_snapshots.current()
    with_rows = {row.unit_id for row in snapshot.rows(INDICATOR, role="public")}
    receptions = [u.unit_id for u in snapshot.units if u.service_area == "reception"]
    return sorted(set(receptions) & with_rows)[:2]


def column(table: Locator, key: str) -> list[str]:
    return [
        text.strip() for text in table.locator(f"tbody td[data-column={key}]").all_inner_texts()
    ]


def choose_quarters_of(page: Page, units: list[str]) -> Locator:
    """Tick quarter, by unit and the given units, send the form; the table shown after."""
    page.goto(f"/indicators/{INDICATOR}")
    form = page.locator("form.explorer-filters")
    form.locator("input[name=period][value=quarter]").check()
    form.locator("input[name=scope][value=unit]").check()
    for unit in units:
        form.locator(f"input[name=unit][value='{unit}']").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    return page.locator("#explorer-table")


def test_filters_show_quarters_of_the_chosen_units(page: Page, two_units: list[str]) -> None:
    page.goto(f"/indicators/{INDICATOR}")
    before = column(page.locator("#explorer-table"), "period")
    assert before and not any(QUARTER.match(period) for period in before)  # months by default

    table = choose_quarters_of(page, two_units)

    assert "period=quarter" in page.url and all(f"unit={u}" in page.url for u in two_units)
    periods = column(table, "period")
    assert periods and all(QUARTER.match(period) for period in periods), periods
    assert set(column(table, "scope_code")) == {*two_units, COUNTY_CODE}  # the county to compare
    # the form remembers the choice, so the next change starts from what is shown
    for unit in two_units:
        assert page.locator(f"input[name=unit][value='{unit}']").is_checked()
    assert page.locator("input[name=period][value=quarter]").is_checked()


def number_on_screen(text: str) -> float | None:
    """``1 234,5 %`` → 1234.5; a dash or the suppression note → None."""
    digits = re.sub(r"[^\d,.\-−]", "", text).replace(",", ".").replace("−", "-")
    return float(digits) if re.search(r"\d", digits) else None


def test_csv_download_holds_the_rows_on_screen(page: Page, two_units: list[str]) -> None:
    table = choose_quarters_of(page, two_units)
    screen = {
        key: column(table, key)
        for key in ("period", "scope_code", "denominator", "value", "suppressed")
    }
    with page.expect_download() as started:
        page.locator("a[href*='download.csv']").click()
    download = started.value
    assert download.suggested_filename.endswith(".csv")
    path = download.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))

    assert len(rows) == len(screen["period"]) > 0
    assert [row["scope_code"] or COUNTY_CODE for row in rows] == screen["scope_code"]
    assert [f"Q{row['period'][-1]} {row['period'][:4]}" for row in rows] == screen["period"]
    suppression_notes: set[str] = set()
    words: dict[str, str] = {}  # "true"/"false" in the file → "kyllä"/"ei" on screen
    for row, shown_n, shown_value, shown_suppressed in zip(
        rows, screen["denominator"], screen["value"], screen["suppressed"], strict=True
    ):
        file_n = float(row["denominator"]) if row["denominator"] else None
        assert number_on_screen(shown_n) == file_n
        assert words.setdefault(row["suppressed"], shown_suppressed) == shown_suppressed
        if row["suppressed"] == "true":
            assert row["value"] == ""  # the note on screen, an empty cell in the file
            suppression_notes.add(shown_value)
        elif row["value"]:
            assert number_on_screen(shown_value) == pytest.approx(float(row["value"]), abs=0.051)
        else:
            assert number_on_screen(shown_value) is None
    assert len(set(words.values())) == len(words)
    assert len(suppression_notes) <= 1
