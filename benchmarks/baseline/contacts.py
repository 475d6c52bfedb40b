"""Contact volumes and the remote-contact share (indicators-v1: remote_contact_share_20plus,
contacts_total, contacts_remote, contacts_in_person)."""

from __future__ import annotations

import pandas as pd

from benchmarks.baseline.aggregate import count_rows, events, ratio_rows
from benchmarks.baseline.calendar import age_years
from benchmarks.baseline.tables import Tables

IN_PERSON = ("in_person", "home_visit", "other_visit")


def customer_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """Contacts whose type has ``customer_contact = true``."""
    return contacts[contacts["customer_contact"].fillna(False).astype(bool)]


def remote_share_rows(t: Tables, contacts: pd.DataFrame) -> pd.DataFrame:
    """Customer contacts of persons aged 20+ at the contact's local date; numerator remote."""
    customer = customer_contacts(contacts).merge(t["persons"], on="person_id", how="inner")
    adults = customer[age_years(customer["birth_date"], customer["date"]) >= 20]
    remote = adults["remote"].fillna(False).astype(int)
    return ratio_rows(
        "remote_contact_share_20plus", events(adults["date"], adults["unit_id"], num=remote, den=1)
    )


def volume_rows(contacts: pd.DataFrame) -> list[pd.DataFrame]:
    """Counts of customer contacts: all, remote, in person (three visit channels)."""
    customer = customer_contacts(contacts)
    remote = customer[customer["remote"].fillna(False).astype(bool)]
    in_person = customer[customer["channel"].isin(IN_PERSON)]
    return [
        count_rows("contacts_total", events(customer["date"], customer["unit_id"])),
        count_rows("contacts_remote", events(remote["date"], remote["unit_id"])),
        count_rows("contacts_in_person", events(in_person["date"], in_person["unit_id"])),
    ]
