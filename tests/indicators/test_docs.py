"""docs/indicators.md is generated from the catalogue and the catalogue matches the spec."""

from __future__ import annotations

from pathlib import Path

from tilannekuva.indicators.catalogue import INDICATORS, Unit
from tilannekuva.indicators.docs import render_catalogue_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"

SPEC_IDS = {
    "care_guarantee_7d", "care_guarantee_legal", "assessment_coverage",
    "assessment_coverage_doctor", "assessment_coverage_dentist", "orphan_assessments",
    "remote_contact_share_20plus", "nps", "nps_promoters_pct", "nps_detractors_pct",
    "feedback_response_rate", *(f"statement_mean_s{i}" for i in range(1, 8)),
    "message_reply_1h", "call_same_day", "call_abandon_rate", "t3_days", "t3_days_doctor",
    "t3_not_measurable", "qwl_index", "contacts_total", "contacts_remote", "contacts_in_person",
}  # fmt: skip


def test_docs_page_is_current() -> None:
    assert DOC.read_text("utf-8") == render_catalogue_markdown(), (
        "docs/indicators.md is stale: regenerate it with "
        "tilannekuva.indicators.docs.render_catalogue_markdown()"
    )


def test_catalogue_has_exactly_the_spec_indicators() -> None:
    ids = [ind.id for ind in INDICATORS]
    assert len(ids) == len(set(ids))
    assert set(ids) == SPEC_IDS


def test_only_t3_is_never_suppressed_and_targets_are_the_rrf_ones() -> None:
    never = {ind.id for ind in INDICATORS if not ind.suppressible}
    assert never == {"t3_days", "t3_days_doctor", "t3_not_measurable"}
    by_id = {ind.id: ind for ind in INDICATORS}
    assert [(t.value, t.deadline) for t in by_id["care_guarantee_7d"].targets] == [
        (66.0, "2024-Q2"),
        (80.0, "2025-Q4"),
    ]
    assert by_id["remote_contact_share_20plus"].targets[0].value == 35.0
    assert by_id["nps"].unit is Unit.NPS and by_id["t3_days"].unit is Unit.DAYS
    assert all(
        ind.name_fi and ind.name_sv and ind.name_en and ind.version == "v1" for ind in INDICATORS
    )
