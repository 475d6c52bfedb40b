"""Access to care: care guarantee (7 days and legal maximum), assessment coverage, orphans.

indicators-v1 sections care_guarantee_7d, care_guarantee_legal, assessment_coverage and
orphan_assessments, with the binding clarifications on first treatment events, negative waits
and valid links.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.baseline.aggregate import events, ratio_rows
from benchmarks.baseline.calendar import add_months, age_years, local_date
from benchmarks.baseline.tables import Tables

REFORM = pd.Timestamp("2023-09-01")
ORAL_STEP = pd.Timestamp("2024-11-01")
AGE_SPLIT_FROM = pd.Timestamp("2025-01-01")


def contacts_with_links(t: Tables) -> pd.DataFrame:
    """Contacts with their contact-type flags and ``valid_link``.

    A link is valid when the named assessment survived and belongs to the same person; any
    other non-empty ``assessment_id`` is a broken link and counts as not linked.
    """
    contacts = t["contacts"].merge(
        t["contact_types"], left_on="contact_type", right_on="code", how="left"
    )
    owners = t["assessments"][["assessment_id", "person_id"]].rename(
        columns={"person_id": "owner_id"}
    )
    contacts = contacts.merge(owners, on="assessment_id", how="left")
    contacts["valid_link"] = (
        (contacts["owner_id"] == contacts["person_id"]).fillna(False).astype(bool)
    )
    contacts["is_visit"] = contacts["is_visit"].fillna(False).astype(bool)
    contacts["date"] = local_date(contacts["start_at_local"])
    return contacts


def eligible_visits(contacts: pd.DataFrame) -> pd.DataFrame:
    """Eligible non-urgent visits: nonurgent, not on a care plan, contact type is a visit."""
    keep = (contacts["urgency"] == "nonurgent") & ~contacts["care_plan"] & contacts["is_visit"]
    return contacts[keep]


def first_treatment_events(t: Tables, visits: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment: its earliest validly linked eligible visit, with wait_days.

    Earliest compares UTC instants; ties go to the smallest ``contact_id`` as a string. The
    result carries the assessment's outcome and local date, the person's birth date and the
    visit unit's service area.
    """
    linked = visits[visits["valid_link"]].sort_values(["assessment_id", "start_at", "contact_id"])
    first = linked.drop_duplicates("assessment_id", keep="first")
    assessments = t["assessments"][["assessment_id", "assessed_at_local", "outcome"]]
    first = first.merge(assessments, on="assessment_id", how="inner")
    first = first.merge(t["persons"], on="person_id", how="left")
    first = first.merge(t["units"], on="unit_id", how="left")
    first["assessed_date"] = local_date(first["assessed_at_local"])
    first["wait_days"] = (first["date"] - first["assessed_date"]).dt.days
    return first


def legal_deadline(first: pd.DataFrame) -> pd.Series:
    """The last local date within the legal maximum (table in care_guarantee_legal).

    The maximum in force on the assessment's local date, for the person's age at the
    assessment (under 23 / 23 or over) and the visit unit's service area.
    """
    assessed = first["assessed_date"]
    under_23 = age_years(first["birth_date"], assessed) < 23
    reception = first["service_area"] == "reception"
    oral = first["service_area"] == "oral"
    before_reform = assessed < REFORM
    split = assessed >= AGE_SPLIT_FROM
    days_14 = assessed + pd.Timedelta(days=14)
    months = {n: add_months(assessed, n) for n in (3, 4, 6)}
    conditions = [
        reception & before_reform,
        reception & ~before_reform & ~split,
        reception & split & under_23,
        reception & split & ~under_23,
        oral & before_reform,
        oral & ~before_reform & (assessed < ORAL_STEP),
        oral & (assessed >= ORAL_STEP) & ~split,
        oral & split & under_23,
        oral & split & ~under_23,
    ]
    choices = [
        months[3],
        days_14,
        days_14,
        months[3],
        months[6],
        months[4],
        months[3],
        months[3],
        months[6],
    ]
    deadline = np.select(
        [c.to_numpy() for c in conditions],
        [c.to_numpy() for c in choices],
        default=np.datetime64("NaT"),
    )
    return pd.Series(deadline, index=first.index)


def care_guarantee_rows(t: Tables, first: pd.DataFrame) -> list[pd.DataFrame]:
    """care_guarantee_7d and care_guarantee_legal.

    The first treatment event is chosen before any filter; a negative wait drops the
    assessment from both indicators, and the reception/oral restriction comes last.
    """
    counted = first[(first["outcome"] == "nonurgent_care") & (first["wait_days"] >= 0)]
    within_7 = (counted["wait_days"] <= 7).astype(int)
    seven = ratio_rows(
        "care_guarantee_7d", events(counted["date"], counted["unit_id"], num=within_7, den=1)
    )
    legal = counted[counted["service_area"].isin(["reception", "oral"])]
    within_legal = (legal["date"] <= legal_deadline(legal)).astype(int)
    legal_rows = ratio_rows(
        "care_guarantee_legal", events(legal["date"], legal["unit_id"], num=within_legal, den=1)
    )
    return [seven, legal_rows]


def coverage_rows(visits: pd.DataFrame) -> list[pd.DataFrame]:
    """assessment_coverage (+ _doctor, _dentist): eligible visits with a valid link."""
    rows = []
    for suffix, group in (("", None), ("_doctor", "doctor"), ("_dentist", "dentist")):
        part = visits if group is None else visits[visits["professional_group"] == group]
        ev = events(part["date"], part["unit_id"], num=part["valid_link"].astype(int), den=1)
        rows.append(ratio_rows(f"assessment_coverage{suffix}", ev))
    return rows


def orphan_rows(t: Tables, contacts: pd.DataFrame) -> pd.DataFrame:
    """orphan_assessments: nonurgent_care assessments no surviving contact validly links to."""
    assessments = t["assessments"]
    assessments = assessments[assessments["outcome"] == "nonurgent_care"]
    linked_ids = set(contacts.loc[contacts["valid_link"], "assessment_id"])
    orphan = (~assessments["assessment_id"].isin(linked_ids)).astype(int)
    date = local_date(assessments["assessed_at_local"])
    return ratio_rows("orphan_assessments", events(date, assessments["unit_id"], num=orphan, den=1))


def access_rows(t: Tables, contacts: pd.DataFrame) -> list[pd.DataFrame]:
    """Every access-to-care indicator; ``contacts`` comes from :func:`contacts_with_links`."""
    visits = eligible_visits(contacts)
    first = first_treatment_events(t, visits)
    return [*care_guarantee_rows(t, first), *coverage_rows(visits), orphan_rows(t, contacts)]
