"""Parsing timestamp and date text into instants and Helsinki wall-clock times.

Rules (extract-v1 General rules and Clarifications):

- A timestamp is every ISO 8601 spelling that Python's ``datetime.fromisoformat`` reads.
- With an offset (``+02:00``, ``Z``) it is an absolute instant; without one it is local time in
  Europe/Helsinki.
- A naive local time in the spring-forward gap or the autumn fold takes the **summer-time**
  instant. Helsinki's summer offset (+03:00) is the larger one, so the rule is: use the larger
  of the two offsets the wall time could have.
- A date is what ``date.fromisoformat`` reads.

Each column is parsed per distinct value (extract columns repeat values a lot), and the common
``YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]`` spelling without offset is converted with pandas' vectorised
time-zone code, which applies the same gap/fold rule; every other spelling goes through Python.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

HELSINKI = ZoneInfo("Europe/Helsinki")
_CANONICAL = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


def naive_local_to_utc(wall: datetime) -> datetime:
    """The UTC instant (naive) of a Helsinki wall-clock time; gap and fold take summer time."""
    offsets = [wall.replace(tzinfo=HELSINKI, fold=fold).utcoffset() for fold in (0, 1)]
    offset = max(o for o in offsets if o is not None)
    return wall - offset


def parse_timestamp(text: str) -> tuple[datetime, datetime] | None:
    """``(utc, local)`` naive datetimes for one cell, or ``None`` when it is not ISO 8601."""
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return naive_local_to_utc(parsed), parsed
        utc = parsed.astimezone(UTC)
        return utc.replace(tzinfo=None), utc.astimezone(HELSINKI).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _dictionary(column: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    encoded = pc.dictionary_encode(column).combine_chunks()
    return encoded.dictionary, encoded.indices


def parse_timestamp_column(
    column: pa.ChunkedArray,
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """UTC instants, local wall-clock times and an ok-flag (NULL where the cell is NULL)."""
    values, indices = _dictionary(column)
    count = len(values)
    utc = np.full(count, np.datetime64("NaT"), dtype="datetime64[us]")
    local = np.full(count, np.datetime64("NaT"), dtype="datetime64[us]")
    ok = np.zeros(count, dtype=bool)
    canonical = pc.match_substring_regex(values, _CANONICAL).to_numpy(zero_copy_only=False)
    if canonical.any():
        walls = pd.to_datetime(
            pd.Series(np.asarray(values.to_pylist(), dtype=object)[canonical]),
            format="ISO8601",
            errors="coerce",
        )
        good = walls.notna().to_numpy()
        wall_values = walls[good]
        instants = wall_values.dt.tz_localize(
            HELSINKI.key,
            ambiguous=np.ones(len(wall_values), dtype=bool),
            nonexistent=timedelta(hours=-1),
        ).dt.tz_convert("UTC")
        positions = np.flatnonzero(canonical)[good]
        local[positions] = wall_values.to_numpy(dtype="datetime64[us]")
        utc[positions] = instants.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        ok[positions] = True
    texts = values.to_pylist()
    for position in np.flatnonzero(~canonical):
        parsed = parse_timestamp(texts[position])
        if parsed is not None:
            utc[position], local[position] = parsed
            ok[position] = True
    return (
        pc.take(pa.array(utc, pa.timestamp("us")), indices),
        pc.take(pa.array(local, pa.timestamp("us")), indices),
        pc.take(pa.array(ok), indices),
    )


def parse_date_column(column: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """Dates and an ok-flag (NULL where the cell is NULL)."""
    values, indices = _dictionary(column)
    parsed = [parse_date(text) for text in values.to_pylist()]
    dates = pa.array(parsed, pa.date32())
    ok = pa.array([value is not None for value in parsed])
    return pc.take(dates, indices), pc.take(ok, indices)
