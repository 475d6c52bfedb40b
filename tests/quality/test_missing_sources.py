"""Missing optional files, and the indicators they leave without rows (extract-v1)."""

from __future__ import annotations

from pathlib import Path

from tests.quality.loading import report_for
from tilannekuva.quality.report import UnitFindings

MESSAGES_HEADER_ONLY = "message_id,person_id,unit_id,received_at,first_reply_at,channel\n"


def test_missing_files_are_listed_with_the_indicators_they_disable(tmp_path: Path) -> None:
    report = report_for(tmp_path, {"messages": MESSAGES_HEADER_ONLY})
    # Present: units, persons, contacts, and messages with only a header (an available
    # source with no rows). Missing: the other eight optional files.
    missing = {m.table: m.disables for m in report.missing}
    assert list(missing) == [
        "assessments",
        "feedback_invitations",
        "feedback_responses",
        "calls",
        "slot_snapshots",
        "staff_survey",
        "costs",
        "population",
    ]
    assert missing["calls"] == ("call_abandon_rate", "call_same_day")
    assert missing["staff_survey"] == ("qwl_index",)
    assert "orphan_assessments" in missing["assessments"]
    assert "care_guarantee_7d" in missing["assessments"]
    disabled = report.to_dict()["disabled_indicators"]
    assert "message_reply_1h" not in disabled
    assert "contacts_total" not in disabled
    assert "t3_days" in disabled

    result = report.result("missing_optional_files")
    assert result.total == 8
    assert result.units == (
        UnitFindings(
            None,
            8,
            ("assessments", "calls", "costs", "feedback_invitations", "feedback_responses"),
        ),
    )
