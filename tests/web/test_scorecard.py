"""The front page: every key indicator with its latest values, target and status in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from tilannekuva.indicators.catalogue import INDICATORS_BY_ID
from tilannekuva.indicators.engine import apply_role
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.indicators.scorecard import KEY_INDICATORS, Status, complete_months
from tilannekuva.web.i18n import Formatter
from tilannekuva.web.pages.scorecard import build_cards
from tilannekuva.web.snapshot import LoadRecord, Snapshot
from tilannekuva.web.values import format_value


def card_html(page: str, indicator_id: str) -> str:
    match = re.search(rf'<li class="card" id="card-{indicator_id}">(.*?)</li>', page, re.S)
    assert match, f"no card for {indicator_id}"
    return match.group(1)


def identity(message: str) -> str:
    return message


def test_every_key_indicator_has_a_card_with_a_status_in_words(client: TestClient) -> None:
    page = client.get("/?lang=en").text
    for indicator_id in KEY_INDICATORS:
        card = card_html(page, indicator_id)
        assert re.search(r"Target met|Below target|Above target|No target|No data", card)
        assert INDICATORS_BY_ID[indicator_id].name_en in card


def test_the_latest_month_is_the_last_complete_one_before_the_cutoff(
    county_snapshot: Snapshot,
) -> None:
    assert county_snapshot.load is not None and county_snapshot.load.cutoff_local is not None
    cutoff_day = county_snapshot.load.cutoff_local.date()
    cards = build_cards(county_snapshot, "analyst", Formatter("en"), "en", identity)
    care = next(card for card in cards if card.indicator_id == "care_guarantee_7d")
    periods = [row.period for row in county_snapshot.rows("care_guarantee_7d", role="analyst")]
    expected = complete_months(periods, cutoff_day)[-1]
    assert care.month is not None and care.month.period == expected
    assert date.fromisoformat(expected + "-01") < cutoff_day
    assert len(care.trend) == min(12, len(complete_months(periods, cutoff_day)))


def test_card_values_are_the_county_rows_formatted_for_the_locale(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    cards = build_cards(county_snapshot, "public", Formatter("fi"), "fi", identity)
    care = next(card for card in cards if card.indicator_id == "care_guarantee_7d")
    assert care.line.quarter is not None and care.line.quarter.value is not None
    county_quarter = next(
        row
        for row in county_snapshot.rows("care_guarantee_7d", role="public")
        if row.unit_id == "" and row.period == care.line.quarter.period
    )
    assert care.line.quarter == county_quarter
    shown = format_value(
        Formatter("fi"), INDICATORS_BY_ID["care_guarantee_7d"].unit, county_quarter.value, identity
    )
    assert re.fullmatch(r"\d{1,3},\d %", shown)  # decimal comma in Finnish
    assert shown in card_html(client.get("/").text, "care_guarantee_7d")


def small_snapshot() -> Snapshot:
    """One county with 3 assessments in 2025-Q4: public must not see the value."""
    load = LoadRecord(
        "L1", "E1", None, datetime(2026, 1, 5, 4), datetime(2026, 1, 5, 6), None, 10, 0, 0, True
    )
    rows = [
        IndicatorRow("care_guarantee_7d", period, "", 2, 3, 200 / 3, False, False)
        for period in ("2025", "2025-12", "2025-Q4")
    ]
    analyst = {"care_guarantee_7d": rows}
    public = {"care_guarantee_7d": apply_role(rows, "public")}
    return Snapshot(
        load,
        (load,),
        (),
        (),
        None,
        datetime.now(UTC),
        {("analyst", "unit"): analyst, ("public", "unit"): public},
    )


def test_small_county_values_are_suppressed_for_the_public_only() -> None:
    snapshot = small_snapshot()
    public = build_cards(snapshot, "public", Formatter("en"), "en", identity)
    analyst = build_cards(snapshot, "analyst", Formatter("en"), "en", identity)
    care_public = next(card for card in public if card.indicator_id == "care_guarantee_7d")
    care_analyst = next(card for card in analyst if card.indicator_id == "care_guarantee_7d")
    assert care_analyst.quarter_value == "66.7%"
    assert care_analyst.line.status is Status.BELOW  # 66.7 % < 80 % (target for 2025-Q4)
    assert care_public.quarter_value == "–"
    assert care_public.line.quarter is not None and care_public.line.quarter.suppressed
    assert care_public.line.status is Status.NO_DATA


def test_each_trend_chart_has_its_table(client: TestClient) -> None:
    card = card_html(client.get("/?lang=en").text, "care_guarantee_7d")
    assert 'role="img"' in card and "<desc" in card
    months_in_table = re.findall(r'<th scope="row">', card)
    assert len(months_in_table) == 12


def test_swedish_page_is_in_swedish(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9"}).text
    assert '<html lang="sv">' in page
    assert INDICATORS_BY_ID["care_guarantee_7d"].name_sv in page


def test_the_embeddable_scorecard_is_public_and_frameable(
    client_as: Callable[[str], TestClient],
) -> None:
    analyst = client_as("analyst")
    response = analyst.get("/embed/scorecard?lang=en")
    assert response.status_code == 200
    assert "frame-ancestors" not in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert 'class="site-header"' not in response.text
    assert "Sign out" not in response.text  # published view: nothing of the analyst's session
    page = analyst.get("/?lang=en")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
