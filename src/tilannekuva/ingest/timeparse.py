"""Parsing timestamp and date text into instants and Helsinki wall-clock times.

Rules (extract-v1 General rules and Clarifications):

- A timestamp is every ISO 8601 spelling that Python's ``datetime.fromisoformat`` reads.
- With an offset (``+02:00``, ``Z``) it is an absolute instant; without one it is local time in
  Europe/Helsinki.
- A naive local time in the spring-forward gap or the autumn fold takes the **summer-time**
  instant. Helsinki's summer offset (+03:00) is the larger one, so the rule is: use the larger
  of the two offsets the wall time could have.
- A date is what ``date.fromisoformat`` reads.

The common spellings are converted in SQL by ``sql_timestamps`` (fast, vectorised); the functions
here are the reference, used for every other spelling and by the tests that pin the SQL to them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


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
