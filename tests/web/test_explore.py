"""The explorer's query: parsing the filter, the default time range, the rows a role sees, the
comparison order, and the sentences that say the answer. Expectations are checked by hand
against the table in ``tiny_snapshot.py``."""

from __future__ import annotations

import pytest

from tests.web.tiny_snapshot import INDICATOR, tiny_snapshot
from tilannekuva.web.explore import Exploration, ExploreQuery, choices, explore, period_kind
from tilannekuva.web.explore_view import explorer_table, summary_sentences
from tilannekuva.web.i18n import Formatter

EN = Formatter("en")


def identity(message: str) -> str:
    return message


def run(query: str, *, role: str = "analyst", locale: str = "en") -> Exploration:
    pairs = [(key, value) for key, _, value in (part.partition("=") for part in query.split("&"))]
    parsed = ExploreQuery.from_params(INDICATOR, pairs)
    return explore(tiny_snapshot(), parsed, role=role, locale=locale, county_name="County")


def keys(exploration: Exploration) -> list[tuple[str, str]]:
    return [(r.row.period, r.row.unit_id) for r in exploration.rows]


@pytest.mark.parametrize(
    ("period", "kind"), [("2025", "year"), ("2025-Q3", "quarter"), ("2025-07", "month")]
)
def test_period_kind(period: str, kind: str) -> None:
    assert period_kind(period) == kind


def test_query_parsing_drops_what_does_not_parse() -> None:
    query = ExploreQuery.from_params(
        INDICATOR,
        [
            ("period", "decade"),
            ("scope", "unit"),
            ("scope", "municipality"),
            ("unit", "U2"),
            ("unit", "U1"),
            ("unit", "U2"),
            ("municipality", "205"),
            ("to", "2025-Q2"),
        ],
    )
    assert query.period_kind == "month"  # unknown kind → default
    assert query.scope == "unit"  # the first of repeated single values
    assert query.selected == ("U2", "U1")  # the scope's own parameter, duplicates once
    assert query.period_to == "2025-Q2" and query.period_from is None
    assert ExploreQuery.from_params(INDICATOR, query.to_params()) == query


def test_default_range_ends_at_the_latest_complete_period() -> None:
    quarters = run("period=quarter")
    assert quarters.periods == ["2025-Q2", "2025-Q3"]
    assert quarters.complete == {"2025-Q2"}  # Q3 is still running at the 2 July cutoff
    assert quarters.in_view == ["2025-Q2"] and quarters.latest == "2025-Q2"
    months = run("period=month")
    assert months.in_view == ["2025-05", "2025-06"]  # July is incomplete
    assert run("period=year").in_view == ["2025"]  # no complete year: the latest one


def test_explicit_range_may_include_an_incomplete_period_and_is_ordered() -> None:
    exploration = run("period=month&from=2025-07&to=2025-05")
    assert exploration.in_view == ["2025-05", "2025-06", "2025-07"]
    assert exploration.query.period_from == "2025-05"
    assert exploration.query.period_to == "2025-07"


def test_a_period_of_another_kind_falls_back_to_the_default() -> None:
    assert run("period=month&to=2025-Q3").in_view == ["2025-05", "2025-06"]


def test_county_scope_shows_only_county_rows() -> None:
    assert keys(run("period=quarter&scope=county")) == [("2025-Q2", "")]


def test_unit_scope_shows_county_first_then_units_by_name() -> None:
    exploration = run("period=quarter&scope=unit")
    assert keys(exploration) == [
        ("2025-Q2", ""),
        ("2025-Q2", "U1"),
        ("2025-Q2", "U2"),
        ("2025-Q2", "U3"),
    ]
    assert [r.scope_name for r in exploration.rows][:2] == ["County", "Alpha terveysasema"]


def test_selection_keeps_known_units_only() -> None:
    exploration = run("period=quarter&scope=unit&unit=U2&unit=NOPE")
    assert exploration.query.selected == ("U2",)
    assert keys(exploration) == [("2025-Q2", ""), ("2025-Q2", "U2")]
    assert exploration.series_codes() == ["", "U2"]


def test_public_rows_are_suppressed_and_analyst_rows_are_not() -> None:
    public = {r.row.unit_id: r.row for r in run("period=quarter&scope=unit", role="public").rows}
    analyst = {r.row.unit_id: r.row for r in run("period=quarter&scope=unit").rows}
    assert public["U3"].suppressed and public["U3"].value is None
    assert public["U3"].denominator is None
    assert not analyst["U3"].suppressed and analyst["U3"].value == 100.0
    assert public["U1"] == analyst["U1"]


def test_comparison_puts_the_furthest_from_good_first_and_suppressed_last() -> None:
    compared = run("period=quarter&scope=unit", role="public").comparison()
    assert [r.row.unit_id for r in compared] == ["U1", "U2", "U3"]
    assert run("period=quarter&scope=county").comparison() == []


def test_municipality_scope_uses_municipality_rows_and_names() -> None:
    exploration = run("period=quarter&scope=municipality", locale="sv")
    assert [(r.row.unit_id, r.scope_name) for r in exploration.rows] == [
        ("", "County"),
        ("205", "Kajana"),
        ("765", "Sotkamo"),
    ]
    assert exploration.rows[1].row.value == pytest.approx(100 * 41 / 52)


def test_choices_list_scopes_with_rows_by_name() -> None:
    snapshot = tiny_snapshot()
    assert choices(snapshot, INDICATOR, "unit", role="public", locale="fi") == [
        ("U1", "Alpha terveysasema"),
        ("U2", "Beta terveysasema"),
        ("U3", "Gamma terveysasema"),
    ]
    assert choices(snapshot, INDICATOR, "municipality", role="public", locale="fi") == [
        ("205", "Kajaani"),
        ("765", "Sotkamo"),
    ]


def test_target_in_force_is_the_one_for_the_latest_period() -> None:
    target = run("period=quarter").target
    assert target is not None and target.value == 80.0 and target.deadline == "2025-Q4"


def test_summary_says_the_answer_in_words() -> None:
    exploration = run("period=quarter&scope=unit", role="public")
    assert summary_sentences(exploration, EN, identity) == [
        "In Q2 2025 the county value was 89.0% (n = 100).",
        "Target ≥ 80.0% by Q4 2025: target met.",
        "1 of 2 with a value met the target; furthest from it: Alpha terveysasema 78.0%.",
        "Suppressed (fewer than 5): 1.",
    ]


def test_summary_when_every_unit_met_the_target_names_the_weakest() -> None:
    exploration = run("period=month&scope=unit&from=2025-06&to=2025-06", role="public")
    assert summary_sentences(exploration, EN, identity)[2:] == [
        "All 2 with a value met the target; the weakest: Alpha terveysasema 80.0%.",
        "Suppressed (fewer than 5): 1.",
    ]


def test_summary_of_an_incomplete_period_says_it_is_provisional_only_when_flagged() -> None:
    sentences = summary_sentences(run("period=month&to=2025-07"), EN, identity)
    assert sentences[0] == "In July 2025 the county value was 83.3% (n = 12)."
    assert "The figure is provisional." not in sentences  # the row is not flagged


def test_table_has_the_rows_of_the_exploration_and_its_provenance() -> None:
    snapshot = tiny_snapshot()
    exploration = run("period=quarter&scope=unit", role="public")
    table = explorer_table(exploration, snapshot, identity, role="public")
    assert [(row["period"], row["scope_code"]) for row in table.rows] == keys(exploration)
    u3 = table.rows[3]
    assert u3["value"] is None and u3["suppressed"] is True and u3["load_id"] == "L-tiny"
    assert table.metadata["load_id"] == "L-tiny" and table.metadata["extract_id"] == "X-tiny"
    assert table.metadata["role"] == "public"
    assert table.metadata["indicator_id"] == INDICATOR
    assert table.metadata["definition_version"] == "v1"
    assert table.metadata["query"] == "period=quarter&scope=unit&from=2025-Q2&to=2025-Q2"
