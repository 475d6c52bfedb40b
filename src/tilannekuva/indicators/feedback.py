"""Customer-feedback indicators: nps, promoter/detractor shares, statements, response rate.

Units (binding clarification): ``nps`` and the statements belong to the response's own
``unit_id`` and are anchored at ``submitted_at``; ``feedback_response_rate`` belongs to the
invited contact's unit and is anchored at the invitation's ``sent_at``. Responses without an
invitation count only for nps and the statements. NPS scale: promoters 9–10, detractors 0–6
(domain.md §5.3).
"""

from __future__ import annotations

import ibis

from tilannekuva.indicators.context import Context, Measure, flag, local_date, monthly_sums
from tilannekuva.indicators.rows import MonthSum
from tilannekuva.model.extract_schema import STATEMENTS


def responses_monthly(ctx: Context) -> list[MonthSum]:
    """Month × response-unit sums of nps, its shares and statement_mean_s1…s7.

    Decision: a statement answer counts only when it is 1–5; 0 ("not applicable") and empty
    are in neither numerator nor denominator (binding clarification).
    """
    r = ctx.table("feedback_responses")
    answered = r.nps.notnull()
    promoter = flag(answered & (r.nps >= 9))
    detractor = flag(answered & (r.nps <= 6))
    measures = {
        "nps": Measure(promoter - detractor, flag(answered)),
        "nps_promoters_pct": Measure(promoter, flag(answered)),
        "nps_detractors_pct": Measure(detractor, flag(answered)),
    }
    for statement in STATEMENTS:
        answer = r[statement]
        valid = answer.notnull() & answer.between(1, 5)
        measures[f"statement_mean_{statement}"] = Measure(
            valid.fill_null(False).ifelse(answer, 0), flag(valid)
        )
    return monthly_sums(r, local_date(r.submitted_at_local), r.unit_id, measures)


def response_rate_monthly(ctx: Context) -> list[MonthSum]:
    """Month × invited-contact-unit sums of feedback_response_rate.

    An invitation is answered when at least one surviving response names it; several
    responses to one invitation still answer it once.
    """
    invitations = ctx.table("feedback_invitations")
    contacts = ctx.table("contacts").select(c_id="contact_id", c_unit="unit_id")
    responses = ctx.table("feedback_responses")
    answered_ids = (
        responses.filter(responses.invitation_id.notnull())
        .select(answered_id="invitation_id")
        .distinct()
    )
    joined = invitations.join(contacts, invitations.contact_id == contacts.c_id)
    joined = joined.left_join(answered_ids, joined.invitation_id == answered_ids.answered_id)
    return monthly_sums(
        joined,
        local_date(joined.sent_at_local),
        joined.c_unit,
        {
            "feedback_response_rate": Measure(
                flag(joined.answered_id.notnull()), flag(ibis.literal(True))
            )
        },
    )
