"""A missing optional file: the indicators that need it have no rows at all (not zeros)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.extract_files import write_extract
from tests.indicators.fixtures import CONTACT_HEADER, PERSONS, UNITS, compute, contact, table
from tilannekuva.indicators import indicators_for_extract
from tilannekuva.indicators.catalogue import INDICATORS

ALWAYS = {"contacts_total", "contacts_remote", "contacts_in_person", "remote_contact_share_20plus"}


def test_required_files_only_give_only_the_contact_indicators(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "contacts": table(
                CONTACT_HEADER,
                [
                    contact("c1", "2025-03-03T09:00:00", contact_type="R10"),
                    contact("c2", "2025-03-03T09:00:00", contact_type="R52"),
                ],
            )
        },
    )
    assert result.ids() == ALWAYS


def test_every_optional_source_unlocks_its_indicators(tmp_path: Path) -> None:
    # Header-only files are available sources with no rows: still no rows, because no event
    # enters any denominator, but nothing fails either.
    headers = {
        "assessments": "assessment_id,person_id,unit_id,assessed_at,professional_group,outcome\n",
        "feedback_invitations": "invitation_id,contact_id,channel,sent_at\n",
        "feedback_responses": "response_id,invitation_id,unit_id,submitted_at,nps,s1\n",
        "messages": "message_id,person_id,unit_id,received_at,first_reply_at\n",
        "calls": "call_id,unit_id,arrived_at,answered_at,callback_at,abandoned\n",
        "slot_snapshots": (
            "snapshot_date,unit_id,professional_group,professional_id,slot_start,slot_kind,status\n"
        ),
        "staff_survey": "unit_id,period,respondents,qwl_index\n",
    }
    result = compute(
        tmp_path,
        {**headers, "contacts": table(CONTACT_HEADER, [contact("c1", "2025-03-03T09:00:00")])},
    )
    # Only the contact indicators plus coverage (the one eligible visit, without a link);
    # the one contact is in person, so contacts_remote (count 0) has no row either.
    expected = (ALWAYS - {"contacts_remote"}) | {
        "assessment_coverage",
        "assessment_coverage_doctor",
    }
    assert result.ids() == expected
    assert result.nd("assessment_coverage", "2025", "") == (0, 1)


def test_catalogue_requirements_name_real_tables() -> None:
    known = {
        "units", "persons", "assessments", "contacts", "contact_types", "feedback_invitations",
        "feedback_responses", "messages", "calls", "slot_snapshots", "staff_survey",
    }  # fmt: skip
    assert all(set(ind.requires) <= known for ind in INDICATORS)


def test_unknown_role_is_refused_before_loading(tmp_path: Path) -> None:
    extract = write_extract(
        tmp_path / "e", {"units": UNITS, "persons": PERSONS, "contacts": table(CONTACT_HEADER, [])}
    )
    with pytest.raises(ValueError, match="role"):
        indicators_for_extract(extract, role="boss", warehouse=tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()
