"""Customer feedback: NPS, promoter/detractor shares, response rate, statement means.

indicators-v1 sections nps, feedback_response_rate and statement_mean_s1 … s7; Clarifications,
"Feedback units": responses belong to their own unit, invitations to the invited contact's unit.
"""

from __future__ import annotations

import pandas as pd

from benchmarks.baseline.aggregate import events, ratio_rows
from benchmarks.baseline.calendar import local_date
from benchmarks.baseline.tables import Tables


def nps_rows(t: Tables) -> list[pd.DataFrame]:
    """nps = 100 × (promoters − detractors) / answers; the two shares in percent of answers."""
    responses = t["feedback_responses"]
    answered = responses[responses["nps"].notna()]
    score = pd.to_numeric(answered["nps"])
    promoter = (score >= 9).astype(int)
    detractor = (score <= 6).astype(int)
    date = local_date(answered["submitted_at_local"])
    unit = answered["unit_id"]
    return [
        ratio_rows("nps", events(date, unit, num=promoter - detractor, den=1)),
        ratio_rows("nps_promoters_pct", events(date, unit, num=promoter, den=1)),
        ratio_rows("nps_detractors_pct", events(date, unit, num=detractor, den=1)),
    ]


def response_rate_rows(t: Tables) -> pd.DataFrame:
    """Invitations (anchor ``sent_at``, the invited contact's unit) named by any response."""
    invitations = t["feedback_invitations"].merge(
        t["contacts"][["contact_id", "unit_id"]], on="contact_id", how="inner"
    )
    answered_ids = set(t["feedback_responses"]["invitation_id"].dropna())
    answered = invitations["invitation_id"].isin(answered_ids).astype(int)
    date = local_date(invitations["sent_at_local"])
    return ratio_rows(
        "feedback_response_rate", events(date, invitations["unit_id"], num=answered, den=1)
    )


def statement_rows(t: Tables) -> list[pd.DataFrame]:
    """Mean of each statement over its answers 1–5 (0 and empty are no answer)."""
    responses = t["feedback_responses"]
    rows = []
    for i in range(1, 8):
        answer = pd.to_numeric(responses[f"s{i}"])
        given = responses[answer.between(1, 5)]
        value = pd.to_numeric(given[f"s{i}"]).astype(float)
        ev = events(local_date(given["submitted_at_local"]), given["unit_id"], num=value, den=1)
        rows.append(ratio_rows(f"statement_mean_s{i}", ev, scale=1.0))
    return rows


def feedback_rows(t: Tables) -> list[pd.DataFrame]:
    """Every feedback indicator."""
    return [*nps_rows(t), response_rate_rows(t), *statement_rows(t)]
