"""contacts_total, contacts_remote, contacts_in_person: customer-contact volumes.

Only contacts whose type has ``customer_contact = true`` count; a month × unit cell exists only
when its count is at least 1 (binding clarification "Counts").
"""

from __future__ import annotations

from tilannekuva.indicators.context import Context, Measure, flag, local_date, monthly_sums
from tilannekuva.indicators.rows import MonthSum
from tilannekuva.model.contact_types import IN_PERSON_CHANNELS


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × contact-unit counts; numerator and denominator both hold the count."""
    contacts = ctx.table("contacts")
    types = ctx.table("contact_types").select(
        code="code", channel="channel", remote="remote", customer_contact="customer_contact"
    )
    joined = contacts.join(types, contacts.contact_type == types.code)
    customer = joined.filter(joined.customer_contact)
    remote = flag(customer.remote)
    in_person = flag(customer.channel.isin(list(IN_PERSON_CHANNELS)))
    return monthly_sums(
        customer,
        local_date(customer.start_at_local),
        customer.unit_id,
        {
            "contacts_total": Measure(
                flag(customer.customer_contact), flag(customer.customer_contact)
            ),
            "contacts_remote": Measure(remote, remote),
            "contacts_in_person": Measure(in_person, in_person),
        },
    )
