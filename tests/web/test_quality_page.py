"""The data-quality page: totals per check, units with most findings first, the quarantine and
the missing optional files, with record ids never on this page and reasons for analysts only.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.clients import client_factory, config_for
from tests.web.reloads import BAD_START_AT, reloaded_snapshots
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.viewer import UserRole


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_rows(page: str, caption: str) -> list[list[str]]:
    """The body rows (cell texts) of the table with this caption."""
    table = page.split(f"<caption>{caption}</caption>")[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    return [
        [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.fixture
def faulty_client(
    county_extract: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> Iterator[Callable[[UserRole | None], TestClient]]:
    """Clients over a warehouse whose current load rejected rows and missed ``calls.csv``."""
    store = reloaded_snapshots(county_extract, tmp_path_factory)
    with client_factory(config_for(store.warehouse, tmp_path), store) as make:
        yield make


def test_every_check_is_listed_with_its_total_and_severity_in_words(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    assert county_snapshot.quality is not None
    rows = table_rows(client.get("/quality?lang=en").text, "Findings per check in the current load")
    shown = {row[0]: (row[1], number(row[2])) for row in rows}
    for result in county_snapshot.quality.results:
        severity = {"error": "Error", "warning": "Warning", "info": "Information"}[
            result.check.severity.value
        ]
        assert shown[result.check.name_en] == (severity, result.total)
    assert len(shown) == len(county_snapshot.quality.results)


def test_check_names_follow_the_language(client: TestClient) -> None:
    assert "Irralliset hoidon tarpeen arvioinnit" in client.get("/quality").text
    assert "Vårdbehovsbedömningar utan besök" in client.get("/quality?lang=sv").text


def test_units_are_listed_most_findings_first_with_links_to_their_pages(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    assert county_snapshot.quality is not None
    totals: dict[str, int] = defaultdict(int)
    for result in county_snapshot.quality.results:
        for unit in result.units:
            if unit.unit_id is not None:
                totals[unit.unit_id] += unit.count
    expected = sorted((u for u in totals if totals[u]), key=lambda u: (-totals[u], u))
    page = client.get("/quality?lang=en").text
    table = page.split("<caption>Findings by unit, most findings first</caption>")[1]
    linked = re.findall(r'<th scope="row"><a href="/units/([^"#]+)#quality">', table)
    assert linked == expected
    first = table_rows(page, "Findings by unit, most findings first")[0]
    assert number(first[1]) == totals[expected[0]]


def test_units_can_be_ordered_by_name(client: TestClient, county_snapshot: Snapshot) -> None:
    page = client.get("/quality?sort=unit&lang=en").text
    names = [row[0] for row in table_rows(page, "Findings by unit, by unit name")]
    assert names == sorted(names) and len(names) > 10
    assert 'aria-sort="ascending"' in page


def test_the_quality_page_never_shows_record_ids(
    client_as: Callable[[UserRole], TestClient], county_snapshot: Snapshot
) -> None:
    assert county_snapshot.quality is not None
    analyst = client_as("analyst")
    page = analyst.get("/quality").text
    examples = [
        example
        for result in county_snapshot.quality.results
        for unit in result.units
        for example in unit.examples
    ]
    assert examples and not any(example in page for example in examples)
    assert analyst.app.state.accounts.audit_entries() == []  # type: ignore[attr-defined]


def test_clean_load_says_nothing_was_rejected_or_missing(client: TestClient) -> None:
    page = client.get("/quality?lang=en").text
    assert "The load rejected no rows." in page
    assert "Every optional file was present." in page


def test_quarantine_summary_shows_reasons_to_analysts_only(
    faulty_client: Callable[[UserRole | None], TestClient],
) -> None:
    public = faulty_client(None).get("/quality?lang=en").text
    rows = table_rows(public, "Rejected rows by file and reason")
    assert sorted((row[0], row[1].split("(")[-1].strip(" )"), number(row[2])) for row in rows) == [
        ("contacts.csv", "foreign_key", 1),
        ("contacts.csv", "invalid", 1),
        ("contacts.csv", "malformed_row", 1),
    ]
    assert BAD_START_AT not in public and "NO-SUCH-UNIT" not in public
    assert "Example reasons are shown to analysts." in public
    manager = faulty_client("manager").get("/quality?lang=en").text
    assert BAD_START_AT not in manager
    analyst = faulty_client("analyst").get("/quality?lang=en").text
    assert BAD_START_AT in analyst and "NO-SUCH-UNIT" in analyst


def test_missing_optional_files_name_the_indicators_left_without_values(
    faulty_client: Callable[[UserRole | None], TestClient],
) -> None:
    page = faulty_client(None).get("/quality?lang=en").text
    (row,) = table_rows(
        page, "Optional files that were not in the extract, and the indicators left without values"
    )
    assert row[0] == "calls"
    assert 'href="/indicators/call_same_day"' in page
    assert 'href="/indicators/call_abandon_rate"' in page
