"""Languages: which one a visitor gets, and numbers and dates as each language writes them."""

from __future__ import annotations

from datetime import date

import pytest
from babel.numbers import format_decimal
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from tilannekuva.web.i18n import Formatter, babel_locale, negotiate_locale


@pytest.mark.parametrize(
    ("requested", "header", "expected"),
    [
        ("sv", "en", "sv"),  # an explicit choice wins
        (None, "sv-FI,sv;q=0.9,en;q=0.8", "sv"),
        (None, "de-DE,en;q=0.5,sv;q=0.4", "en"),  # first supported by weight
        (None, "en;q=0.2,sv;q=0.9", "sv"),  # weights, not order
        (None, "de", "fi"),  # nothing supported: Finnish
        ("xx", None, "fi"),
        (None, "sv;q=abc,en", "en"),  # a broken weight counts as 0
    ],
)
def test_locale_negotiation(requested: str | None, header: str | None, expected: str) -> None:
    assert negotiate_locale(requested, header, "fi") == expected


def test_numbers_and_periods_follow_the_locale() -> None:
    fi, sv, en = Formatter("fi"), Formatter("sv"), Formatter("en")
    assert fi.number(1234.56, 1) == "1\xa0234,6"
    assert sv.number(86.94, 1) == "86,9"
    assert en.number(1234.56, 1) == "1,234.6"
    assert fi.plain(14) == "14" and fi.plain(14.5) == "14,5"
    assert fi.period("2025-03") == "maaliskuu 2025"
    assert sv.period("2025-03") == "mars 2025"
    assert en.period("2025-Q1") == "Q1 2025" and en.period("2025") == "2025"
    assert fi.short_period("2025-03") == "3/2025"
    assert fi.date(date(2025, 3, 1)) == "1.3.2025"
    assert fi.number(None) == "–"


def test_language_switch_remembers_the_choice_and_returns_to_the_page(
    client: TestClient,
) -> None:
    response = client.get("/language/sv?next=/units", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/units"
    assert "lang=sv" in response.headers["set-cookie"]
    client.cookies.set("lang", "sv")
    assert '<html lang="sv">' in client.get("/").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_language_switch_never_leaves_the_site(client: TestClient, target: str) -> None:
    response = client.get("/language/en", params={"next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_unknown_language_is_not_found(client: TestClient) -> None:
    assert client.get("/language/de", follow_redirects=False).status_code == 404


def test_every_page_offers_all_three_languages(client: TestClient) -> None:
    page = client.get("/").text
    for code, name in (("fi", "suomi"), ("sv", "svenska"), ("en", "English")):
        assert f'lang="{code}" hreflang="{code}"' in page and name in page


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
        st.integers(min_value=-(10**9), max_value=10**9),
        st.sampled_from([2.675, 0.125, -0.04, 86.95, 1e-7, 99.99995]),
    ),
    decimals=st.integers(min_value=0, max_value=3),
    locale=st.sampled_from(["fi", "sv", "en"]),
)
def test_fast_number_formatting_equals_babels(value: float, decimals: int, locale: str) -> None:
    fmt = Formatter(locale)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    assert fmt.number(value, decimals) == format_decimal(
        value, format=pattern, locale=babel_locale(locale)
    )
    if not float(value).is_integer():
        assert fmt.plain(value) == format_decimal(
            value, format="#,##0.0#####", locale=babel_locale(locale)
        )
