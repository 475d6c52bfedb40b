"""nps, its shares, statement means and feedback_response_rate (units and anchors differ)."""

from __future__ import annotations

from pathlib import Path

from tests.indicators.fixtures import CONTACT_HEADER, compute, contact, table

INVITATION_HEADER = "invitation_id,contact_id,channel,sent_at"
RESPONSE_HEADER = (
    "response_id,invitation_id,unit_id,submitted_at,channel,nps,s1,s2,s3,s4,s5,s6,s7,free_text"
)

CONTACTS = table(
    CONTACT_HEADER,
    [
        contact("c1", "2025-03-03T09:00:00", unit="u1"),
        contact("c2", "2025-03-03T09:00:00", unit="u2"),
    ],
)
INVITATIONS = table(
    INVITATION_HEADER,
    [
        "i1,c2,sms,2025-03-03T12:00:00",  # u2 (the contact's unit), answered twice
        "i2,c2,sms,2025-03-31T22:30:00Z",  # 1 Apr 01:30 local → April; unanswered
        "i3,c1,sms,2025-03-03T12:00:00",  # u1, answered by a response recorded at u3
    ],
)
RESPONSES = table(
    RESPONSE_HEADER,
    [
        "r1,i1,u1,2025-03-03T13:00:00,sms,10,5,,,,,,,",
        "r2,i1,u1,2025-03-03T13:05:00,sms,9,4,,,,,,,",
        "r3,i3,u3,2025-03-04T08:00:00,sms,6,0,,,,,,,kiitos",
        "r4,,u1,2025-03-05T10:00:00,kiosk,3,,,,,,,,",  # no invitation: nps and statements only
        "r5,,u1,2025-03-05T10:00:00,kiosk,,2,,,,,,5,",  # no NPS answer
        "r6,,u1,2025-03-31T22:30:00Z,kiosk,7,,,,,,,,",  # 1 Apr local
    ],
)


def test_nps_and_shares_belong_to_the_response_unit(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "contacts": CONTACTS,
            "feedback_invitations": INVITATIONS,
            "feedback_responses": RESPONSES,
        },
    )
    # u1 March NPS answers: 10, 9, 3 → promoters 2, detractors 1, answers 3.
    row = result.row("nps", "2025-03", "u1")
    assert (row.numerator, row.denominator) == (1, 3)
    assert row.value == 100 * 1 / 3  # 33.333…
    assert result.nd("nps_promoters_pct", "2025-03", "u1") == (2, 3)
    assert result.nd("nps_detractors_pct", "2025-03", "u1") == (1, 3)
    # u3: one detractor → −100.0; u1 April: a passive → 0.0.
    assert result.row("nps", "2025-03", "u3").value == -100.0
    assert result.row("nps", "2025-04", "u1").value == 0.0
    # County Q2 includes only r6; county year: 10, 9, 6, 3, 7 → (2 − 2) / 5.
    assert result.nd("nps", "2025", "") == (0, 5)


def test_statement_zero_is_no_answer(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "contacts": CONTACTS,
            "feedback_invitations": INVITATIONS,
            "feedback_responses": RESPONSES,
        },
    )
    # s1 at u1 in March: 5, 4, 2 → 11 / 3; r3's 0 (at u3) is in neither.
    row = result.row("statement_mean_s1", "2025-03", "u1")
    assert (row.numerator, row.denominator) == (11, 3)
    assert row.value == 11 / 3
    assert result.get("statement_mean_s1", "2025-03", "u3") is None
    assert result.nd("statement_mean_s7", "2025", "") == (5, 1)
    assert result.get("statement_mean_s2", "2025", "") is None


def test_response_rate_uses_invitation_time_and_the_invited_contacts_unit(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "contacts": CONTACTS,
            "feedback_invitations": INVITATIONS,
            "feedback_responses": RESPONSES,
        },
    )
    # u2 March: i1 answered (twice, counted once) → 1 / 1; April: i2 unanswered → 0 / 1.
    assert result.nd("feedback_response_rate", "2025-03", "u2") == (1, 1)
    assert result.nd("feedback_response_rate", "2025-04", "u2") == (0, 1)
    # u1: i3 answered by a response recorded at u3 → 1 / 1; responses without invitation
    # add nothing here.
    assert result.nd("feedback_response_rate", "2025-03", "u1") == (1, 1)
    assert result.get("feedback_response_rate", "2025-03", "u3") is None
    assert result.nd("feedback_response_rate", "2025", "") == (2, 3)


def test_missing_responses_file_means_no_feedback_rows(tmp_path: Path) -> None:
    result = compute(tmp_path, {"contacts": CONTACTS, "feedback_invitations": INVITATIONS})
    assert not {row.indicator_id for row in result.rows} & {
        "feedback_response_rate",
        "nps",
        "statement_mean_s1",
    }


def test_header_only_responses_file_is_available_with_no_rows(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "contacts": CONTACTS,
            "feedback_invitations": INVITATIONS,
            "feedback_responses": RESPONSE_HEADER + "\n",
        },
    )
    # The source is there, so invitations are counted and none is answered.
    assert result.nd("feedback_response_rate", "2025", "") == (0, 3)
    assert result.of("nps") == []
