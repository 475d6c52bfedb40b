"""care_guarantee_7d and care_guarantee_legal: first treatment events and their waits.

Both count only *first treatment events* (indicators-v1, "Common terms"): of the eligible
non-urgent visits validly linked to one assessment, the earliest. The legal maximum table is
the one of indicators-v1 (domain.md §3.1; the under-23 oral row is inferred, not confirmed).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from tilannekuva.indicators.context import Context, Measure, age_at, flag, local_date, monthly_sums
from tilannekuva.indicators.rows import MonthSum

# Legal-maximum periods (indicators-v1 table), compared with the assessment's local date.
_REFORM_2023 = date(2023, 9, 1)  # before: 3 months (reception) / 6 months (oral)
_ORAL_2024_END = date(2024, 10, 31)  # oral 4 months up to and including this day
_LAW_2024_END = date(2024, 12, 31)  # up to and including: one rule for all ages
_AGE_SPLIT = 23  # from 2025: under 23 / 23 or over, age at the assessment


def eligible_visits(ctx: Context) -> ir.Table:
    """Contacts with urgency nonurgent, no care plan and a visit contact type.

    ``care_plan`` NULL is already ``false`` in the warehouse (docs/warehouse.md).
    """
    contacts = ctx.table("contacts")
    types = ctx.table("contact_types").select(code="code", is_visit="is_visit")
    joined = contacts.join(types, contacts.contact_type == types.code)
    return joined.filter(
        (joined.urgency == "nonurgent") & ~joined.care_plan.fill_null(False) & joined.is_visit
    ).select(
        "contact_id",
        "person_id",
        "unit_id",
        "start_at",
        "professional_group",
        "assessment_id",
        visit_date=local_date(joined.start_at_local),
    )


def assessments_for_links(ctx: Context) -> ir.Table:
    """Assessment columns renamed so they join onto contacts without name clashes."""
    a = ctx.table("assessments")
    return a.select(
        a_id=a.assessment_id,
        a_person=a.person_id,
        a_unit=a.unit_id,
        a_outcome=a.outcome,
        a_date=local_date(a.assessed_at_local),
    )


def first_treatment_events(ctx: Context) -> ir.Table:
    """One row per assessment: its first treatment event with the assessment's columns.

    Decisions:
    - valid link = the assessment exists and has the contact's ``person_id``; a broken link
      (wrong person or missing assessment) leaves the visit unlinked.
    - "earliest" compares the absolute instant ``start_at`` (UTC column), ties broken by
      ``contact_id`` as a string (code-point order), per the binding clarification.
    - the first event is chosen among all linked eligible visits, whatever their unit,
      before any filter on outcome, wait or service area.
    """
    visits = eligible_visits(ctx)
    links = assessments_for_links(ctx)
    linked = visits.join(
        links, (visits.assessment_id == links.a_id) & (visits.person_id == links.a_person)
    )
    ranked = linked.mutate(
        _rank=ibis.row_number().over(
            group_by=linked.a_id, order_by=[linked.start_at, linked.contact_id]
        )
    )
    first = ranked.filter(ranked._rank == 0).drop("_rank")
    return first.mutate(wait_days=first.visit_date.delta(first.a_date, unit="day"))


def legal_maximum_date(
    service_area: ir.StringValue, assessed: ir.DateValue, age: ir.IntegerValue
) -> ir.DateValue:
    """Last local date within the legal maximum (NULL outside reception and oral care).

    Months are calendar months added to the assessment date and clamped to the month's last
    day (DuckDB date + INTERVAL n MONTH clamps: 2025-01-31 + 3 months = 2025-04-30); days are
    calendar days.
    """

    def months(n: int) -> ir.DateValue:
        return (assessed + ibis.interval(months=n)).cast("date")

    def days(n: int) -> ir.DateValue:
        return (assessed + ibis.interval(days=n)).cast("date")

    reception = ibis.cases(
        (assessed < _REFORM_2023, months(3)),
        (assessed <= _LAW_2024_END, days(14)),
        (age < _AGE_SPLIT, days(14)),
        else_=months(3),
    )
    oral = ibis.cases(
        (assessed < _REFORM_2023, months(6)),
        (assessed <= _ORAL_2024_END, months(4)),
        (assessed <= _LAW_2024_END, months(3)),
        (age < _AGE_SPLIT, months(3)),  # inferred row of the table (domain.md §3.1 [U])
        else_=months(6),
    )
    return ibis.cases((service_area == "reception", reception), (service_area == "oral", oral))


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × visit-unit sums of both care-guarantee indicators.

    Decision (binding clarification): a first event with negative wait_days removes the
    assessment from both indicators; no later visit takes its place, because the first event
    was chosen before the wait was looked at.
    """
    first = first_treatment_events(ctx)
    persons = ctx.table("persons").select(b_person="person_id", birth_date="birth_date")
    units = ctx.table("units").select(u_id="unit_id", service_area="service_area")
    events = first.filter((first.a_outcome == "nonurgent_care") & (first.wait_days >= 0))
    events = events.join(persons, events.a_person == persons.b_person)
    events = events.join(units, events.unit_id == units.u_id)
    # Age at the assessment's local date decides the under-23 / 23+ row (domain.md §3.4).
    limit = legal_maximum_date(
        events.service_area, events.a_date, age_at(events.birth_date, events.a_date)
    )
    in_legal_scope = events.service_area.isin(["reception", "oral"])
    return monthly_sums(
        events,
        events.visit_date,
        events.unit_id,
        {
            "care_guarantee_7d": Measure(flag(events.wait_days <= 7), flag(ibis.literal(True))),
            "care_guarantee_legal": Measure(
                flag(in_legal_scope & (events.visit_date <= limit)), flag(in_legal_scope)
            ),
        },
    )
