"""The check declarations are complete, computed, and documented (docs/quality.md)."""

from __future__ import annotations

from pathlib import Path

from tilannekuva.quality import CHECKS, Severity
from tilannekuva.quality.docs import render_markdown
from tilannekuva.quality.event_checks import ANCHORS, checked_timestamp_columns
from tilannekuva.quality.finders import FINDERS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "quality.md"
ISSUE_CHECKS = {
    "broken_links",
    "visit_before_assessment",
    "orphan_assessments",
    "duplicate_keys",
    "unknown_codes",
    "quarantined_rows",
    "reply_before_message",
    "future_timestamps",
    "units_with_no_events",
    "missing_optional_files",
    "extra_columns",
}


def test_every_check_the_issue_asks_for_is_declared_once_and_computed() -> None:
    ids = [check.id for check in CHECKS]
    assert len(ids) == len(set(ids))
    assert set(ids) == ISSUE_CHECKS
    assert set(FINDERS) == set(ids)


def test_every_check_has_three_names_an_action_and_a_severity() -> None:
    for check in CHECKS:
        assert check.name_fi and check.name_sv and check.name_en, check.id
        assert check.description and check.action and check.source, check.id
        assert isinstance(check.severity, Severity)


def test_every_checked_timestamp_table_has_an_anchor() -> None:
    assert {table for table, _column in checked_timestamp_columns()} <= set(ANCHORS)


def test_docs_page_is_generated_from_the_declarations() -> None:
    assert DOCS.read_text("utf-8") == render_markdown(), (
        "docs/quality.md is stale: run `uv run python -m tilannekuva.quality.docs docs/quality.md`"
    )
    for check in CHECKS:
        assert f"`{check.id}`" in render_markdown()
