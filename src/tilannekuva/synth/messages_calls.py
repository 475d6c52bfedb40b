"""Customer e-messages and phone calls of one chunk of persons (extract-v1 messages, calls).

Volumes follow seed 003: customers sent 111 958 Omasote messages and forms in 2024, about
1.5 per resident a year, so the default county writes about 110 000 a year; the phone
service takes about 170 000 calls a year. Office-hour messages are mostly answered within one
office hour (the reception's promise); messages sent at night wait for the next opening.
Calls are answered at once, get a call-back (mostly the same day) or are abandoned.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tilannekuva.synth import profiles as pf
from tilannekuva.synth.calendar import CUTOFF_LOCAL, DayGrid, OfficeClock, timestamp_text
from tilannekuva.synth.ids import event_ids, take
from tilannekuva.synth.population import Persons

# per person-year by age band (profiles.AGE_BANDS); scaled to ~110 000 / ~170 000 a year
MESSAGE_RATE = np.array([1.0, 0.9, 0.6, 0.9, 1.9, 1.95, 1.8, 1.3, 0.6]) * 1.02
CALL_RATE = np.array([1.6, 1.4, 0.9, 1.0, 2.4, 2.6, 3.3, 4.3, 4.6]) * 0.96
GROWTH_2025 = 1.04
MESSAGE_AREA_P = np.array([0.72, 0.10, 0.10, 0.08])
CALL_AREA_P = np.array([0.74, 0.15, 0.06, 0.05])
MESSAGE_CHANNELS = np.array(["portal", "form", "chat"])
MESSAGE_CHANNEL_P = np.array([0.75, 0.15, 0.10])
HOUR_P = np.array(
    [
        0.3,
        0.2,
        0.1,
        0.1,
        0.1,
        0.3,
        1.0,
        2.5,
        5,
        6,
        6,
        5.5,
        5,
        5,
        5,
        4.5,
        4,
        3.5,
        3.5,
        3.5,
        3,
        2.5,
        1.5,
        0.8,
    ]
)
REPLY_WITHIN_HOUR = 0.83
NEVER_REPLIED = 0.003
REPLY_BEFORE_MESSAGE = 0.0005
CALL_HOUR_P = np.array([2.2, 1.8, 1.3, 1.0, 0.9, 0.7, 0.9, 1.0])  # 08..15
ANSWERED, CALLBACK = 0.58, 0.32  # the rest are abandoned
ABANDONED_CALLED_BACK = 0.25
CALL_REASONS = np.array(
    ["ajanvaraus", "hoidon_tarve", "resepti", "tulokset", "todistus", "uusi_yhteydenotto", "muu"]
)
CALL_REASON_P = np.array([0.35, 0.25, 0.12, 0.12, 0.04, 0.08, 0.04])
UNKNOWN_CALLER = 0.2
REASON_MISSING = 0.1
_CUTOFF = np.datetime64(CUTOFF_LOCAL, "s")
_NAT = np.datetime64("NaT", "s")


def _events(
    persons: Persons, rate: np.ndarray, grid: DayGrid, weights: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(person position, day) of each event; 2025 a little busier than 2024."""
    lam = rate[pf.age_band(persons.age)] * np.sqrt(persons.frailty)
    per_year = [rng.poisson(lam * f) for f in (1.0, GROWTH_2025)]
    persons_idx, days = [], []
    for year, counts in enumerate(per_year):
        who = np.repeat(np.arange(len(persons)), counts)
        in_year = np.flatnonzero(grid.year == 2024 + year)
        w = weights[in_year] / weights[in_year].sum()
        persons_idx.append(who)
        days.append(grid.days[in_year[rng.choice(len(in_year), size=len(who), p=w)]])
    return np.concatenate(persons_idx), np.concatenate(days)


def generate_messages(
    persons: Persons,
    unit_of: np.ndarray,
    grid: DayGrid,
    clock: OfficeClock,
    unit_ids: pa.Array,
    rng: np.random.Generator,
    chunk: int,
) -> dict[str, pa.Array]:
    who, day = _events(persons, MESSAGE_RATE, grid, grid.any_day_weights(), rng)
    n = len(who)
    received = day.astype("datetime64[s]") + (
        rng.choice(24, size=n, p=HOUR_P / HOUR_P.sum()) * 3600 + rng.integers(0, 3600, n)
    ).astype("timedelta64[s]")
    channel = MESSAGE_CHANNELS[rng.choice(3, size=n, p=MESSAGE_CHANNEL_P)]
    quick = rng.random(n) < REPLY_WITHIN_HOUR
    minutes = np.where(quick, rng.gamma(1.5, 14.0, n), 60 + rng.exponential(300.0, n))
    minutes = np.where((channel == "chat") & quick, minutes / 5, minutes)
    reply = clock.add_minutes(received, minutes)
    reply = np.where(reply <= received, received + np.timedelta64(60, "s"), reply)
    reply = np.where(
        rng.random(n) < REPLY_BEFORE_MESSAGE, received - np.timedelta64(600, "s"), reply
    )
    reply = np.where((rng.random(n) < NEVER_REPLIED) | (reply > _CUTOFF), _NAT, reply)
    area = rng.choice(4, size=n, p=MESSAGE_AREA_P)
    return {
        "message_id": event_ids("M", chunk, n),
        "person_id": pc.take(persons.ids, pa.array(who)),
        "unit_id": pc.take(unit_ids, pa.array(unit_of[persons.station[who], area])),
        "received_at": timestamp_text(received),
        "first_reply_at": timestamp_text(reply),
        "channel": pa.array(channel, pa.string()),
    }


def generate_calls(
    persons: Persons,
    unit_of: np.ndarray,
    grid: DayGrid,
    clock: OfficeClock,
    unit_ids: pa.Array,
    rng: np.random.Generator,
    chunk: int,
) -> dict[str, pa.Array]:
    who, day = _events(persons, CALL_RATE, grid, grid.scheduled_weights(), rng)
    n = len(who)
    hour = 8 + rng.choice(8, size=n, p=CALL_HOUR_P / CALL_HOUR_P.sum())
    arrived = day.astype("datetime64[s]") + (hour * 3600 + rng.integers(0, 3600, n)).astype(
        "timedelta64[s]"
    )
    fate = rng.random(n)
    answered = fate < ANSWERED
    callback = (fate >= ANSWERED) & (fate < ANSWERED + CALLBACK)
    abandoned = fate >= ANSWERED + CALLBACK
    answered_at = np.where(
        answered,
        arrived + rng.exponential(150.0, n).astype(np.int64).astype("timedelta64[s]"),
        _NAT,
    )
    same_day = clock.add_minutes(arrived, rng.uniform(10, 240, n))
    same_day = np.where(
        same_day.astype("datetime64[D]") == arrived.astype("datetime64[D]"),
        same_day,
        arrived + np.timedelta64(3600 * 6, "s"),
    )
    next_day = clock.add_minutes(arrived, 480 + rng.uniform(0, 240, n))
    which = rng.random(n)
    callback_at = np.where(which < 0.9, same_day, np.where(which < 0.98, next_day, _NAT))
    late_callback = rng.random(n) < ABANDONED_CALLED_BACK
    callback_at = np.where(
        callback, callback_at, np.where(abandoned & late_callback, next_day, _NAT)
    )
    callback_at = np.where(callback_at > _CUTOFF, _NAT, callback_at)
    area = rng.choice(4, size=n, p=CALL_AREA_P)
    caller = np.where(rng.random(n) < UNKNOWN_CALLER, -1, who)
    reason = CALL_REASONS[rng.choice(len(CALL_REASONS), size=n, p=CALL_REASON_P)]
    return {
        "call_id": event_ids("P", chunk, n),
        "unit_id": pc.take(unit_ids, pa.array(unit_of[persons.station[who], area])),
        "arrived_at": timestamp_text(arrived),
        "answered_at": timestamp_text(answered_at),
        "callback_requested": pa.array(callback),
        "callback_at": timestamp_text(callback_at),
        "abandoned": pa.array(abandoned),
        "person_id": take(persons.ids, caller),
        "reason": pa.array(reason, pa.string(), mask=rng.random(n) < REASON_MISSING),
    }
