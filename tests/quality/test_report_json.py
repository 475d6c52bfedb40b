"""The JSON form of the report: stable key order, the load it describes, ids only."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.extract_files import MINIMAL, write_extract
from tests.quality.loading import META
from tilannekuva.ingest import load_extract
from tilannekuva.quality import CHECKS, build_report
from tilannekuva.quality.docs import JSON_KEYS

CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at
c1,p1,u1,2025-03-03T10:00:00,R10,doctor,nonurgent,,a1,,
c2,p2,u2,2025-04-03T10:00:00,R10,dentist,nonurgent,,a2,,
c3,p2,u1,2025-04-04T10:00:00,R10,doctor,nonurgent,,a3,,
"""


def test_json_names_its_load_and_keeps_key_order(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "x", {**MINIMAL, "contacts": CONTACTS}, meta=META)
    loaded = load_extract(extract, tmp_path / "w.duckdb")
    data = build_report(tmp_path / "w.duckdb").to_dict()

    assert list(data) == [
        "report",
        "format_version",
        "load_id",
        "extract_id",
        "cutoff",
        "cutoff_local",
        "example_limit",
        "totals",
        "checks",
        "missing_sources",
        "disabled_indicators",
    ]
    # docs/quality.md documents the same keys in the same order.
    assert list(data) == [name for key, _ in JSON_KEYS for name in re.findall(r"`(\w+)`", key)]
    assert data["load_id"] == loaded.load_id
    assert data["extract_id"] == "quality-test"
    # 12:00 in Helsinki summer time is 09:00 UTC.
    assert data["cutoff"] == "2025-06-30T09:00:00"
    assert data["cutoff_local"] == "2025-06-30T12:00:00"
    assert list(data["totals"]) == [check.id for check in CHECKS]

    broken = data["checks"][0]
    assert list(broken) == [
        "id",
        "severity",
        "name",
        "description",
        "action",
        "total",
        "by_detail",
        "by_unit_month",
        "units",
    ]
    # No assessments file: all three links are broken (c1 in March at u1; c3 in April at
    # u1; c2 in April at u2).
    assert broken["id"] == "broken_links"
    assert broken["total"] == 3
    assert broken["by_unit_month"] == [
        {"unit_id": "u1", "month": "2025-03", "count": 1},
        {"unit_id": "u1", "month": "2025-04", "count": 1},
        {"unit_id": "u2", "month": "2025-04", "count": 1},
    ]
    assert broken["units"] == [
        {"unit_id": "u1", "count": 2, "examples": ["c1", "c3"]},
        {"unit_id": "u2", "count": 1, "examples": ["c2"]},
    ]
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    # Examples are ids of events and rows, never person pseudonyms.
    assert not re.search(r'"p[12]"', text)
