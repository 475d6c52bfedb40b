"""Service contacts of one chunk of persons (extract-v1 ``contacts``), vectorised.

Counts come from ``profiles`` (age, sex and a frailty multiplier), days from the calendar's
weights (scheduled care on office days only, so no reception visits on weekends or Finnish
public holidays; emergency care every day and night), times from office-hour slot patterns.
The contact type is drawn from the area's remote/in-person mix; the codes come from the
shipped ``codes/contact_types.csv`` through ``model.contact_types``. A few ``booked_at`` values
lie after the visit: the seeds' appointment books that "force bookings into the past".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tilannekuva.model.contact_types import default_contact_types
from tilannekuva.synth import profiles as pf
from tilannekuva.synth.calendar import DayGrid
from tilannekuva.synth.population import Persons

# 15-minute appointment slots 08:00-15:45; fewer over lunch, more in the morning.
SLOT_MINUTES = np.arange(8 * 60, 16 * 60, 15)
SLOT_WEIGHTS = np.array(
    [1.3, 1.4, 1.4, 1.4, 1.3, 1.3, 1.3, 1.2, 1.1, 1.1, 1.1, 1.1]
    + [0.5, 0.5, 0.6, 0.8]
    + [1.1] * 8
    + [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]
)
HOUR_WEIGHTS_24H = np.array(
    [2, 1.5, 1.2, 1, 1, 1, 1.5, 2.5, 4, 5, 5.5, 5.5, 5, 5, 5, 5, 5.5, 5.5, 5, 4.5, 4, 3.5, 3, 2.5]
)
OFFSET_SHARE = 0.004
BOOKED_IN_PAST_SHARE = 0.003
_TYPES = default_contact_types()


@dataclass
class Contacts:
    """One chunk's contacts, sorted by person and start; arrays aligned by position."""

    person: np.ndarray
    area: np.ndarray
    unit: np.ndarray  # index into the county's unit list
    prof: np.ndarray
    code: np.ndarray
    urgent: np.ndarray
    care_plan: np.ndarray
    start: np.ndarray  # datetime64[s], local wall time
    booked: np.ndarray  # datetime64[s], NaT when not booked
    reason: np.ndarray  # int index into reason strings, -1 none
    reason2: np.ndarray
    offset: np.ndarray  # write start_at with an explicit offset
    assessment: pa.Array | None = field(default=None)

    def __len__(self) -> int:
        return len(self.person)

    def flag(self, name: str) -> np.ndarray:
        """``remote``, ``customer_contact`` or ``is_visit`` of each contact's type."""
        codes = np.array(sorted(_TYPES))
        values = np.array([getattr(_TYPES[c], name) for c in codes])
        return values[np.searchsorted(codes, self.code)]


def _choice(rng: np.random.Generator, options: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
    return options[rng.choice(len(options), size=n, p=p / p.sum())]


def _wall(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[s]") + (minutes * 60).astype("timedelta64[s]")


def generate_contacts(
    persons: Persons, unit_of: np.ndarray, grid: DayGrid, rng: np.random.Generator
) -> Contacts:
    """Customer and non-customer contacts of ``persons``.

    ``unit_of[station, area]`` is the unit index serving a station's residents in an area
    (area 4 = the person's emergency unit, looked up through ``persons.emergency``).
    """
    n = len(persons)
    band = pf.age_band(persons.age)
    female = persons.sex == "2"
    lam = pf.RATES[:, band].T * np.where(female[:, None], pf.FEMALE_FACTOR[None, :], 1.0)
    maternity = female & (persons.age >= 20) & (persons.age < 45)
    lam[:, 3] += np.where(maternity, pf.MATERNITY_RATE, 0.0)
    counts = rng.poisson(lam * persons.frailty[:, None] * 2.0)
    person = np.repeat(np.repeat(np.arange(n), 5), counts.ravel())
    area = np.repeat(np.tile(np.arange(5, dtype=np.int8), n), counts.ravel())
    m = len(person)
    urgent = rng.random(m) < pf.URGENT_SHARE[area]
    emergency = area == pf.EMERGENCY
    day = np.where(
        emergency,
        rng.choice(len(grid.days), size=m, p=grid.urgent_weights()),
        rng.choice(len(grid.days), size=m, p=grid.scheduled_weights()),
    )
    year = grid.year[day] - 2024
    remote_p = pf.REMOTE_SHARE[area, year] * np.where(urgent & ~emergency, 0.6, 1.0)
    remote = rng.random(m) < remote_p
    code = np.where(
        remote,
        _choice(rng, pf.REMOTE_CODES, pf.REMOTE_CODE_P, m),
        _choice(rng, pf.VISIT_CODES, pf.VISIT_CODE_P, m),
    )
    home = (
        ~remote
        & (area == 0)
        & (persons.age[person] >= 75)
        & (rng.random(m) < pf.HOME_VISIT_P_75PLUS)
    )
    code = np.where(home, "R20", np.where(emergency & ~remote, "R10", code))
    prof = np.empty(m, dtype="U16")
    for a, (groups, p) in pf.PROFESSIONALS.items():
        rows = area == a
        prof[rows] = _choice(rng, np.array(groups), np.array(p), int(rows.sum()))
    care_plan = ~urgent & (rng.random(m) < pf.CARE_PLAN_SHARE[area])
    start = _start_times(rng, grid.days[day], code, urgent, emergency)
    booked = _booked_times(rng, start, code, urgent, emergency)
    unit = np.where(emergency, -1, unit_of[persons.station[person], np.minimum(area, 3)])
    unit = np.where(emergency, unit_of[0, 4] + persons.emergency[person], unit)
    contacts = Contacts(
        person=person,
        area=area,
        unit=unit,
        prof=prof,
        code=code,
        urgent=urgent,
        care_plan=care_plan,
        start=start,
        booked=booked,
        reason=np.zeros(m, dtype=np.int64),
        reason2=np.zeros(m, dtype=np.int64),
        offset=np.zeros(m, dtype=bool),
    )
    contacts = _with_noncustomer(contacts, rng)
    _draw_reasons(contacts, rng)
    hour = (
        (contacts.start - contacts.start.astype("datetime64[D]"))
        .astype("timedelta64[h]")
        .astype(np.int64)
    )
    contacts.offset = (rng.random(len(contacts)) < OFFSET_SHARE) & (hour >= 8) & (hour < 16)
    order = np.lexsort((contacts.area, contacts.start, contacts.person))
    return _take(contacts, order)


def _start_times(
    rng: np.random.Generator,
    days: np.ndarray,
    code: np.ndarray,
    urgent: np.ndarray,
    emergency: np.ndarray,
) -> np.ndarray:
    m = len(days)
    slot = SLOT_MINUTES[rng.choice(len(SLOT_MINUTES), size=m, p=SLOT_WEIGHTS / SLOT_WEIGHTS.sum())]
    free_minute = rng.integers(8 * 60, 16 * 60, m)
    hour = rng.choice(24, size=m, p=HOUR_WEIGHTS_24H / HOUR_WEIGHTS_24H.sum())
    night_minute = hour * 60 + rng.integers(0, 60, m)
    scheduled = np.isin(code, ["R10", "R20", "R30", "R40", "R41", "R50", "R52"]) & ~urgent
    minute = np.where(emergency, night_minute, np.where(scheduled, slot, free_minute))
    return _wall(days, minute)


def _booked_times(
    rng: np.random.Generator,
    start: np.ndarray,
    code: np.ndarray,
    urgent: np.ndarray,
    emergency: np.ndarray,
) -> np.ndarray:
    m = len(start)
    scheduled = np.isin(code, ["R10", "R20", "R30", "R40", "R41", "R50", "R52"])
    lead_days = rng.geometric(0.09, m)
    booking_day = start.astype("datetime64[D]") - lead_days.astype("timedelta64[D]")
    booked = _wall(booking_day, rng.integers(8 * 60, 16 * 60, m))
    same_day = start - (rng.integers(10, 300, m) * 60).astype("timedelta64[s]")
    booked = np.where(urgent, same_day, booked)
    past = rng.random(m) < BOOKED_IN_PAST_SHARE
    booked = np.where(
        past, start + (rng.integers(1, 20, m) * 86400).astype("timedelta64[s]"), booked
    )
    return np.where(scheduled & ~emergency, booked, np.datetime64("NaT", "s"))


def _with_noncustomer(c: Contacts, rng: np.random.Generator) -> Contacts:
    """Consultations and work without the customer: copies of customer contacts' context."""
    source = np.flatnonzero((c.area != pf.EMERGENCY) & (rng.random(len(c)) < pf.NONCUSTOMER_SHARE))
    extra = _take(c, source)
    k = len(source)
    extra.code = _choice(rng, pf.NONCUSTOMER_CODES, pf.NONCUSTOMER_CODE_P, k)
    extra.urgent = np.zeros(k, dtype=bool)
    extra.care_plan = np.zeros(k, dtype=bool)
    extra.booked = np.full(k, np.datetime64("NaT", "s"))
    extra.start = _wall(extra.start.astype("datetime64[D]"), rng.integers(8 * 60, 16 * 60, k))
    return _concat(c, extra)


def _draw_reasons(c: Contacts, rng: np.random.Generator) -> None:
    m = len(c)
    sizes = np.array([len(r) for r in pf.REASONS])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pick = offsets[c.area] + (rng.random(m) * sizes[c.area]).astype(np.int64)
    pick2 = offsets[c.area] + (rng.random(m) * sizes[c.area]).astype(np.int64)
    c.reason = np.where(rng.random(m) < pf.REASON_MISSING, -1, pick)
    c.reason2 = np.where(
        (c.reason >= 0) & (rng.random(m) < pf.REASON_PAIR) & (pick2 != pick), pick2, -1
    )


_ARRAYS = (
    "person",
    "area",
    "unit",
    "prof",
    "code",
    "urgent",
    "care_plan",
    "start",
    "booked",
    "reason",
    "reason2",
    "offset",
)


def _take(c: Contacts, rows: np.ndarray) -> Contacts:
    return Contacts(**{name: getattr(c, name)[rows] for name in _ARRAYS})


def _concat(a: Contacts, b: Contacts) -> Contacts:
    return Contacts(
        **{name: np.concatenate([getattr(a, name), getattr(b, name)]) for name in _ARRAYS}
    )


def reason_text(c: Contacts) -> pa.Array:
    """``;``-separated reason codes, NULL when none was recorded."""
    codes = pa.array([code for area in pf.REASONS for code in area] + [""], pa.string())
    first = pc.take(codes, pa.array(np.where(c.reason >= 0, c.reason, len(codes) - 1)))
    second = pc.take(codes, pa.array(np.where(c.reason2 >= 0, c.reason2, len(codes) - 1)))
    joined = pc.if_else(
        pa.array(c.reason2 >= 0), pc.binary_join_element_wise(first, second, ";"), first
    )
    return pc.if_else(pa.array(c.reason >= 0), joined, pa.scalar(None, pa.string()))
