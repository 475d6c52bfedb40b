"""remote_contact_share_20plus: customer contacts of persons aged 20+ handled remotely.

RRF investment I4 (domain.md §4). Age is completed years at the contact's local date
(``context.age_at``), so a person turning 20 mid-month counts from the birthday on.
"""

from __future__ import annotations

from tilannekuva.indicators.context import Context, Measure, age_at, flag, local_date, monthly_sums
from tilannekuva.indicators.rows import MonthSum

ADULT_AGE = 20


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × contact-unit sums; anchor = the contact's local start date."""
    contacts = ctx.table("contacts")
    types = ctx.table("contact_types").select(
        code="code", remote="remote", customer_contact="customer_contact"
    )
    persons = ctx.table("persons").select(b_person="person_id", birth_date="birth_date")
    joined = contacts.join(types, contacts.contact_type == types.code)
    joined = joined.join(persons, joined.person_id == persons.b_person)
    day = local_date(joined.start_at_local)
    counted = joined.filter(
        joined.customer_contact & (age_at(joined.birth_date, day) >= ADULT_AGE)
    ).mutate(_day=day)
    return monthly_sums(
        counted,
        counted._day,
        counted.unit_id,
        {
            "remote_contact_share_20plus": Measure(
                flag(counted.remote), flag(counted.customer_contact)
            )
        },
    )
