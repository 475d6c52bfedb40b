"""orphan_assessments: nonurgent_care assessments that no contact validly links to.

Any surviving contact with a valid link, whatever its type, urgency, care plan or date, means
the assessment is not an orphan (binding clarification). Provisional flags are set by the
engine from the period's last day and the cutoff (see ``engine.provisional``).
"""

from __future__ import annotations

import ibis

from tilannekuva.indicators.care_guarantee import assessments_for_links
from tilannekuva.indicators.context import Context, Measure, flag, monthly_sums
from tilannekuva.indicators.rows import MonthSum


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × assessing-unit sums; anchor = the assessment's local ``assessed_at`` date."""
    contacts = ctx.table("contacts")
    links = assessments_for_links(ctx)
    linked_ids = (
        contacts.join(
            links,
            (contacts.assessment_id == links.a_id) & (contacts.person_id == links.a_person),
        )
        .select(linked_id="a_id")
        .distinct()
    )
    assessments = links.filter(links.a_outcome == "nonurgent_care")
    joined = assessments.left_join(linked_ids, assessments.a_id == linked_ids.linked_id)
    return monthly_sums(
        joined,
        joined.a_date,
        joined.a_unit,
        {"orphan_assessments": Measure(flag(joined.linked_id.isnull()), flag(ibis.literal(True)))},
    )
