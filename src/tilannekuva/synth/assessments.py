"""Care-need assessments (hoidon tarpeen arviointi) and their links to visits, with the faults.

Seed 003 describes the recording in Kainuu, and the generator reproduces it on purpose:
- low coverage: only about 2 % of doctors' and 1 % of dentists' eligible non-urgent visits
  carry a valid link (nurses' visits more often), ``LINK_SHARE``;
- orphan assessments: 47–80 % of ``nonurgent_care`` assessments never lead to a linked visit
  (wrongly made assessments, books that force bookings into the past), ``ORPHANS_PER_LINKED``;
- broken links: an ``assessment_id`` that names nothing or another person's assessment;
- a few visits dated before their assessment (negative waits, left out of the care guarantee).
Waits are drawn so about 87 % of first treatment events in 2025 come within 7 days (THL report
of 7/2025 quoted in seed 003) and somewhat fewer in 2024.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tilannekuva.synth.calendar import timestamp_text, weekday_of
from tilannekuva.synth.contacts import Contacts
from tilannekuva.synth.ids import event_ids

LINK_SHARE = {
    "doctor": 0.0205,
    "dentist": 0.0102,
    "nurse": 0.15,
    "oral_hygienist": 0.03,
    "psychologist": 0.04,
    "physiotherapist": 0.02,
    "social_worker": 0.02,
    "other": 0.01,
}
WITHIN_7_DAYS = np.array([0.815, 0.871])  # by the visit's year, 2024 and 2025
SHORT_WAIT_P = np.array([0.10, 0.20, 0.18, 0.14, 0.12, 0.10, 0.09, 0.07])  # days 0..7
NEGATIVE_WAIT_SHARE = 0.006
BROKEN_LINK_SHARE = 0.03
FOLLOW_UP_SHARE = 0.06
ORPHANS_PER_LINKED = 1.45
OTHER_OUTCOMES_PER_NONURGENT = 0.5
OTHER_OUTCOMES = np.array(["self_care", "no_need", "referred", "urgent_care"])
OTHER_OUTCOME_P = np.array([0.40, 0.25, 0.15, 0.20])
ASSESSOR = {  # area -> (groups, probabilities)
    0: (np.array(["nurse", "doctor"]), np.array([0.85, 0.15])),
    1: (np.array(["oral_hygienist", "dentist", "other"]), np.array([0.35, 0.35, 0.30])),
    2: (np.array(["nurse", "psychologist"]), np.array([0.7, 0.3])),
    3: (np.array(["nurse"]), np.array([1.0])),
}
OFFSET_SHARE = 0.004


@dataclass
class Assessments:
    person: np.ndarray
    unit: np.ndarray
    area: np.ndarray
    assessed: np.ndarray  # datetime64[s]
    prof: np.ndarray
    outcome: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def _office_minute(rng: np.random.Generator, n: int) -> np.ndarray:
    return (rng.integers(8 * 60, 16 * 60, n) * 60).astype("timedelta64[s]")


def _weekday_back(days: np.ndarray) -> np.ndarray:
    """Weekend days moved back to the Friday before (assessments are made on weekdays)."""
    wd = weekday_of(days)
    return days - np.where(wd >= 5, wd - 4, 0).astype("timedelta64[D]")


def _assessors(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    prof = np.empty(len(area), dtype="U16")
    for a, (groups, p) in ASSESSOR.items():
        rows = np.flatnonzero(area == a)
        prof[rows] = groups[rng.choice(len(groups), size=len(rows), p=p)]
    return prof


def link_assessments(
    c: Contacts, rng: np.random.Generator, chunk: int
) -> tuple[Assessments, pa.Array]:
    """Assessments of the chunk; sets ``c.assessment`` (and ``booked_at`` of linked visits)."""
    eligible = c.flag("is_visit") & ~c.urgent & ~c.care_plan & (c.area < 4)
    groups, group_of = np.unique(c.prof, return_inverse=True)
    share = np.array([LINK_SHARE[g] for g in groups.tolist()], dtype=np.float64)[group_of]
    linked = np.flatnonzero(eligible & (rng.random(len(c)) < share))
    k = len(linked)
    visit_day = c.start[linked].astype("datetime64[D]")
    year = np.clip(visit_day.astype("datetime64[Y]").astype(np.int64) + 1970 - 2024, 0, 1)
    short = rng.random(k) < WITHIN_7_DAYS[year]
    wait = np.where(short, rng.choice(8, size=k, p=SHORT_WAIT_P), 8 + rng.geometric(1 / 14, k))
    day = visit_day - wait.astype("timedelta64[D]")
    back = _weekday_back(day)
    too_long = short & ((visit_day - back).astype(np.int64) > 7)
    forward = day + ((7 - weekday_of(day)) % 7).astype("timedelta64[D]")
    day = np.where(too_long, forward, back)
    assessed = day.astype("datetime64[s]") + _office_minute(rng, k)
    same_day = day == visit_day
    assessed = np.where(
        same_day & (assessed >= c.start[linked]),
        c.start[linked] - np.timedelta64(1800, "s"),
        assessed,
    )
    negative = rng.random(k) < NEGATIVE_WAIT_SHARE
    assessed = np.where(
        negative,
        c.start[linked] + (rng.integers(1, 6, k) * 86400).astype("timedelta64[s]"),
        assessed,
    )
    booked = assessed + (rng.integers(2, 20, k) * 60).astype("timedelta64[s]")
    c.booked[linked] = np.where(negative, c.booked[linked], booked)

    orphan_n = int(rng.poisson(k * ORPHANS_PER_LINKED))
    source = (
        rng.choice(np.flatnonzero(c.area < 4), size=orphan_n)
        if orphan_n and (c.area < 4).any()
        else np.zeros(0, np.int64)
    )
    orphan_day = _weekday_back(
        c.start[source].astype("datetime64[D]")
        - rng.integers(0, 30, len(source)).astype("timedelta64[D]")
    )
    orphan_at = orphan_day.astype("datetime64[s]") + _office_minute(rng, len(source))
    other_n = rng.binomial(k + len(source), OTHER_OUTCOMES_PER_NONURGENT) if k + len(source) else 0
    other_src = (
        rng.choice(np.flatnonzero(c.area < 4), size=other_n) if other_n else np.zeros(0, np.int64)
    )
    other_day = _weekday_back(
        c.start[other_src].astype("datetime64[D]")
        - rng.integers(0, 3, other_n).astype("timedelta64[D]")
    )
    other_at = other_day.astype("datetime64[s]") + _office_minute(rng, other_n)

    rows = np.concatenate([linked, source, other_src]).astype(np.int64)
    area = c.area[rows]
    outcome = np.concatenate(
        [
            np.full(k + len(source), "nonurgent_care", dtype="U16"),
            OTHER_OUTCOMES[rng.choice(len(OTHER_OUTCOMES), size=other_n, p=OTHER_OUTCOME_P)],
        ]
    )
    result = Assessments(
        person=c.person[rows],
        unit=c.unit[rows],
        area=area,
        assessed=np.concatenate([assessed, orphan_at, other_at]),
        prof=_assessors(rng, area),
        outcome=outcome,
    )
    ids = event_ids("A", chunk, len(result))
    c.assessment = _link_text(c, linked, ids, chunk, rng)
    return result, ids


def _link_text(
    c: Contacts, linked: np.ndarray, ids: pa.Array, chunk: int, rng: np.random.Generator
) -> pa.Array:
    """Each contact's ``assessment_id``: valid links, follow-ups and the broken ones."""
    if len(linked) == 0:
        return pa.nulls(len(c), pa.string())
    target = np.full(len(c), -1, dtype=np.int64)
    target[linked] = np.arange(len(linked))
    nxt = linked + 1
    ok = nxt < len(c)
    nxt, source = nxt[ok], linked[ok]
    follow = (
        (c.person[nxt] == c.person[source])
        & c.flag("is_visit")[nxt]
        & ~c.urgent[nxt]
        & (target[nxt] < 0)
        & ((c.start[nxt] - c.start[source]) < np.timedelta64(60, "D"))
        & (rng.random(len(nxt)) < FOLLOW_UP_SHARE)
    )
    target[nxt[follow]] = target[source[follow]]
    text = pc.take(ids, pa.array(np.maximum(target, 0)))
    text = pc.if_else(pa.array(target >= 0), text, pa.scalar(None, pa.string()))
    broken = linked[rng.random(len(linked)) < BROKEN_LINK_SHARE]
    if len(broken) == 0:
        return text
    nowhere = rng.random(len(broken)) < 0.5
    others = rng.integers(0, len(linked), len(broken))
    other_person = c.person[linked[others]] != c.person[broken]
    to_other = ~nowhere & other_person
    missing_ids = pc.binary_join_element_wise(
        pa.scalar(f"A{chunk:04d}-X"),
        pc.utf8_lpad(pc.cast(pa.array(broken), pa.string()), 7, "0"),
        "",
    )
    replacement = pc.if_else(pa.array(to_other), pc.take(ids, pa.array(others)), missing_ids)
    keep = to_other | nowhere
    mask = np.zeros(len(c), dtype=bool)
    mask[broken[keep]] = True
    return pc.replace_with_mask(text, pa.array(mask), pc.filter(replacement, pa.array(keep)))


def assessments_table(
    a: Assessments,
    ids: pa.Array,
    person_ids: pa.Array,
    unit_ids: pa.Array,
    rng: np.random.Generator,
) -> dict[str, pa.Array]:
    hour = (
        (a.assessed - a.assessed.astype("datetime64[D]")).astype("timedelta64[h]").astype(np.int64)
    )
    offset = (rng.random(len(a)) < OFFSET_SHARE) & (hour >= 8) & (hour < 16)
    return {
        "assessment_id": ids,
        "person_id": pc.take(person_ids, pa.array(a.person)),
        "unit_id": pc.take(unit_ids, pa.array(a.unit)),
        "assessed_at": timestamp_text(a.assessed, offset),
        "professional_group": pa.array(a.prof, pa.string()),
        "outcome": pa.array(a.outcome, pa.string()),
    }
