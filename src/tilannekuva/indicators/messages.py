"""message_reply_1h: e-messages received in office hours and answered within one office hour.

Decisions (indicators-v1 and its binding clarifications):
- denominator: messages whose local ``received_at`` falls in office hours;
- a reply stamped before its message (instant comparison) leaves the message out of both;
- a reply later than the cutoff instant, or no reply, is "not within" (denominator only);
- within = office seconds(reply) − office seconds(received) ≤ 3600, both times cut to whole
  seconds of local wall-clock time, so nights, weekends and holidays do not count.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from tilannekuva.indicators.context import Context, Measure, flag, local_date, monthly_sums
from tilannekuva.indicators.office_hours import (
    office_calendar,
    office_seconds,
    second_of_day,
    within_office_hours,
)
from tilannekuva.indicators.rows import MonthSum

ONE_OFFICE_HOUR = 3600


def _calendar_span(messages: ir.Table, ctx: Context) -> tuple[date, date] | None:
    """Dates the calendar must cover: every received date and every reply date that counts.

    Replies before their message or after the cutoff are never measured, so they do not
    widen the calendar (an absurd cutoff such as year 9999 costs nothing); a day's margin
    keeps the bounds inclusive.
    """
    received = local_date(messages.received_at_local)
    replied = messages.first_reply_at.notnull() & (messages.first_reply_at >= messages.received_at)
    if ctx.cutoff is not None:
        replied = replied & (messages.first_reply_at <= ibis.literal(ctx.cutoff, type="timestamp"))
    reply_day = replied.ifelse(local_date(messages.first_reply_at_local), ibis.null("date"))
    bounds = (
        messages.aggregate(first=received.min(), last=received.max(), last_reply=reply_day.max())
        .to_pyarrow()
        .to_pylist()[0]
    )
    if bounds["first"] is None:
        return None
    last: date = max(d for d in (bounds["last"], bounds["last_reply"]) if d is not None)
    return bounds["first"] - timedelta(days=1), last + timedelta(days=1)


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × message-unit sums of message_reply_1h."""
    messages = ctx.table("messages")
    span = _calendar_span(messages, ctx)
    if span is None:
        return []
    calendar = office_calendar(*span)
    received_cal = calendar.select(
        r_date="cal_date", r_office="office_day", r_before="office_before"
    )
    reply_cal = calendar.select(p_date="cal_date", p_office="office_day", p_before="office_before")
    m = messages.mutate(
        _r_date=local_date(messages.received_at_local),
        _p_date=local_date(messages.first_reply_at_local),
        _r_second=second_of_day(messages.received_at_local),
        _p_second=second_of_day(messages.first_reply_at_local),
    )
    m = m.join(received_cal, m._r_date == received_cal.r_date)
    m = m.left_join(reply_cal, m._p_date == reply_cal.p_date)
    in_office = within_office_hours(m.r_office, m._r_second)
    reply_before_message = m.first_reply_at.notnull() & (m.first_reply_at < m.received_at)
    counted = m.filter(in_office & ~reply_before_message)
    cutoff = ibis.literal(ctx.cutoff, type="timestamp") if ctx.cutoff else None
    replied = counted.first_reply_at.notnull() & counted.p_date.notnull()
    if cutoff is not None:
        replied = replied & (counted.first_reply_at <= cutoff)
    elapsed = office_seconds(
        counted.p_before, counted.p_office, counted._p_second
    ) - office_seconds(counted.r_before, counted.r_office, counted._r_second)
    return monthly_sums(
        counted,
        counted._r_date,
        counted.unit_id,
        {
            "message_reply_1h": Measure(
                flag(replied & (elapsed <= ONE_OFFICE_HOUR)), flag(ibis.literal(True))
            )
        },
    )
