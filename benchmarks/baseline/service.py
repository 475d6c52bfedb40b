"""Remote service channels and staff: e-message replies, phone calls, QWL.

indicators-v1 sections message_reply_1h, call_same_day (+ call_abandon_rate) and qwl_index,
with the Clarifications on office hours, replies after the cutoff, calls and QWL.
"""

from __future__ import annotations

import pandas as pd

from benchmarks.baseline.aggregate import events, ratio_rows
from benchmarks.baseline.calendar import OfficeClock, local_date
from benchmarks.baseline.tables import Tables

ONE_OFFICE_HOUR_S = 3600


def message_rows(t: Tables) -> pd.DataFrame:
    """Messages received in office hours; numerator replied within 60 office minutes.

    A reply stamped before its message removes the message from both; a reply after the
    cutoff (or none) is unanswered, so not within.
    """
    messages = t["messages"]
    clock = OfficeClock(messages["received_at_local"], messages["first_reply_at_local"])
    in_office = clock.is_office_time(messages["received_at_local"])
    reply_before = (messages["first_reply_at"] < messages["received_at"]).fillna(False).astype(bool)
    counted = messages[in_office & ~reply_before]
    answered = counted["first_reply_at"].notna() & (
        counted["first_reply_at"] <= pd.Timestamp(t.cutoff)
    )
    office_s = clock.reading(counted["first_reply_at_local"]) - clock.reading(
        counted["received_at_local"]
    )
    within = (answered & (office_s <= ONE_OFFICE_HOUR_S)).astype(int)
    date = local_date(counted["received_at_local"])
    return ratio_rows("message_reply_1h", events(date, counted["unit_id"], num=within, den=1))


def call_rows(t: Tables) -> list[pd.DataFrame]:
    """call_same_day and call_abandon_rate over all calls (anchor ``arrived_at``)."""
    calls = t["calls"]
    date = local_date(calls["arrived_at_local"])
    answered_today = local_date(calls["answered_at_local"]) == date
    called_back_today = local_date(calls["callback_at_local"]) == date
    same_day = (answered_today | called_back_today).astype(int)
    abandoned = (calls["abandoned"] & calls["callback_at"].isna()).astype(int)
    return [
        ratio_rows("call_same_day", events(date, calls["unit_id"], num=same_day, den=1)),
        ratio_rows("call_abandon_rate", events(date, calls["unit_id"], num=abandoned, den=1)),
    ]


def qwl_rows(t: Tables) -> pd.DataFrame:
    """Respondent-weighted mean QWL index; rows with 0 respondents add nothing."""
    survey = t["staff_survey"]
    survey = survey[survey["respondents"] > 0]
    date = pd.to_datetime(survey["period"] + "-01")
    respondents = survey["respondents"].astype(float)
    ev = events(date, survey["unit_id"], num=respondents * survey["qwl_index"], den=respondents)
    return ratio_rows("qwl_index", ev, scale=1.0)
