"""assessment_coverage (+ _doctor, _dentist): non-urgent visits that carry a valid link.

Coverage ignores the linked assessment's outcome, date and unit (binding clarification); only
whether the link is valid matters (the assessment exists and belongs to the same person).
"""

from __future__ import annotations

import ibis

from tilannekuva.indicators.care_guarantee import assessments_for_links, eligible_visits
from tilannekuva.indicators.context import Context, Measure, flag, monthly_sums
from tilannekuva.indicators.rows import MonthSum


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × visit-unit sums; anchor = the visit's local start date."""
    visits = eligible_visits(ctx)
    links = assessments_for_links(ctx)
    # assessment_id is the assessments' primary key, so the left join keeps one row per visit.
    joined = visits.left_join(
        links, (visits.assessment_id == links.a_id) & (visits.person_id == links.a_person)
    )
    valid = joined.a_id.notnull()
    group = joined.professional_group
    every = flag(ibis.literal(True))
    return monthly_sums(
        joined,
        joined.visit_date,
        joined.unit_id,
        {
            "assessment_coverage": Measure(flag(valid), every),
            "assessment_coverage_doctor": Measure(
                flag(valid & (group == "doctor")), flag(group == "doctor")
            ),
            "assessment_coverage_dentist": Measure(
                flag(valid & (group == "dentist")), flag(group == "dentist")
            ),
        },
    )
