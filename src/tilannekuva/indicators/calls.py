"""call_same_day and call_abandon_rate: the phone queue (anchor ``arrived_at``).

Decisions (binding clarification): ``abandoned`` NULL means false; a ``callback_at`` on any
day, even a later one, clears abandonment. "Same day" compares local calendar dates, so a call
at 23:59 answered at 00:01 is not answered the same day.
"""

from __future__ import annotations

import ibis

from tilannekuva.indicators.context import Context, Measure, flag, local_date, monthly_sums
from tilannekuva.indicators.rows import MonthSum


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × call-unit sums of both call indicators."""
    calls = ctx.table("calls")
    arrived = local_date(calls.arrived_at_local)
    answered_same = local_date(calls.answered_at_local) == arrived
    callback_same = local_date(calls.callback_at_local) == arrived
    abandoned = calls.abandoned.fill_null(False) & calls.callback_at.isnull()
    every = flag(ibis.literal(True))
    return monthly_sums(
        calls,
        arrived,
        calls.unit_id,
        {
            "call_same_day": Measure(
                flag(answered_same.fill_null(False) | callback_same.fill_null(False)), every
            ),
            "call_abandon_rate": Measure(flag(abandoned), every),
        },
    )
