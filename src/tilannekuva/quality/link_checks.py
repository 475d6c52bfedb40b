"""Checks on the link between a care-need assessment and the contact that realises it.

The link is the heart of the care-guarantee indicators, and its faults are the recording
faults the seeds name (002 TP3 osa 3, 003 "irralliset hoidon tarpeen arvioinnit"). The rules
are the indicator's own (indicators-v1 Common terms): a *valid link* names an assessment that
survived the load and belongs to the same person; any other non-empty ``assessment_id`` is a
*broken link*. The same expressions decide both, so the report and the indicators agree.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
from ibis.expr.types import BooleanValue, Table

from tilannekuva.quality.context import Finding, WarehouseView, collect, local_month

PROVISIONAL_DAYS = 90
"""indicators-v1 orphan_assessments: a month that ended fewer than 90 days before the cutoff."""


def _linked(view: WarehouseView) -> Table:
    """Contacts with a non-empty assessment_id, joined to the assessment of that id (if any)."""
    contacts = view.con.table("contacts")
    assessments = view.con.table("assessments").select(
        a_id="assessment_id",
        a_person="person_id",
        a_assessed_local="assessed_at_local",
    )
    named = contacts.filter(contacts.assessment_id.notnull() & (contacts.assessment_id != ""))
    return named.left_join(assessments, named.assessment_id == assessments.a_id)


def _valid(linked: Table) -> BooleanValue:
    return linked.a_id.notnull() & (linked.a_person == linked.person_id)


def broken_links(view: WarehouseView) -> list[Finding]:
    """Contacts whose non-empty assessment_id is not a valid link.

    Detail ``no_assessment``: the id names no surviving assessment (never existed, or the
    assessment row was quarantined); ``other_person``: it names another person's assessment.
    """
    linked = _linked(view)
    broken = linked.filter(~_valid(linked))
    expr = broken.select(
        unit_id=broken.unit_id,
        month=local_month(broken.start_at_local),
        example=broken.contact_id,
        detail=ibis.ifelse(broken.a_id.isnull(), "no_assessment", "other_person"),
    )
    return collect(expr)


def visit_before_assessment(view: WarehouseView) -> list[Finding]:
    """Validly linked contacts whose local date precedes the assessment's local date."""
    linked = _linked(view)
    early = linked.filter(
        _valid(linked) & (linked.start_at_local.date() < linked.a_assessed_local.date())
    )
    expr = early.select(
        unit_id=early.unit_id, month=local_month(early.start_at_local), example=early.contact_id
    )
    return collect(expr)


def orphan_assessments(view: WarehouseView) -> list[Finding]:
    """``nonurgent_care`` assessments that no surviving contact validly links to.

    Any valid link counts, whatever the contact's type, urgency, care plan or date
    (indicators-v1 Clarifications). The detail marks the indicator's provisional months.
    """
    contacts = view.con.table("contacts")
    assessments = view.con.table("assessments")
    links = contacts.select(l_assessment="assessment_id", l_person="person_id").distinct()
    wanted = assessments.filter(assessments.outcome == "nonurgent_care")
    orphans = wanted.anti_join(
        links,
        (wanted.assessment_id == links.l_assessment) & (wanted.person_id == links.l_person),
    )
    expr = orphans.select(
        unit_id=orphans.unit_id,
        month=local_month(orphans.assessed_at_local),
        example=orphans.assessment_id,
    )
    cutoff_day = view.load.cutoff_local.date() if view.load.cutoff_local else None
    return [
        Finding(f.unit_id, f.month, f.example, _provisional_detail(f.month, cutoff_day))
        for f in collect(expr)
    ]


def _provisional_detail(month: str | None, cutoff_day: date | None) -> str:
    """``provisional`` when the month ended fewer than 90 days before the cutoff's local date."""
    if month is None or cutoff_day is None:
        return "final"
    year, number = (int(part) for part in month.split("-"))
    first_of_next = date(year + number // 12, number % 12 + 1, 1)
    last_day = first_of_next - timedelta(days=1)
    return "provisional" if (cutoff_day - last_day).days < PROVISIONAL_DAYS else "final"
