"""The staff pulse: a short anonymous survey whose unit × month results feed ``staff_survey``.

Seed 002 asks the same feedback engine to measure staff satisfaction too, flowing to the same
boards. Staff get one-time links that name a unit and a month, never a person
(``store.create_pulse_links``); each link takes one answer of the questionnaire's pulse items
on a 1–5 scale (``Questionnaire.pulse_items``).

The index. :func:`pulse_index` is **Tilannekuva's own pulse index**, on the same 0–100 scale
as a QWL index: the mean over the answered items of (answer − 1) / 4 × 100, so "1" everywhere
is 0 and "5" everywhere is 100. It is NOT Kesti's quality-of-working-life (QWL) index, whose
questionnaire and formula are proprietary and unconfirmed (domain.md §9). The pulse feeds
``staff_survey`` as a county's own survey would, and the catalogue's ``qwl_index`` weights the
unit means by their respondents as for any survey; a county with real QWL results loads them
in its extract's ``staff_survey``, and those rows win over the pulse for the same unit and
month (``live.py``).

Anonymity. A unit × month with fewer than five respondents is not reported at all — not its
index, not even that it had answers — because in a small team a result can point at a person
(issue 4: "reported only for groups of 5 or more").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

LOW, HIGH = 1, 5  # the pulse items' scale
SMALLEST_GROUP = 5  # privacy: a unit × month with fewer respondents is not reported at all
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class InvalidPulseAnswer(ValueError):
    """A pulse answer outside the 1–5 scale, or with no item answered."""


class PulseLinkClosed(LookupError):
    """A pulse link that takes no answer: ``reason`` is ``unknown`` or ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PulseGroup:
    """Respondents and the sum of their indexes for one unit and month."""

    unit_id: str
    period: str
    respondents: int
    index_sum: float


@dataclass(frozen=True)
class StaffSurveyRow:
    """One row of extract-v1 ``staff_survey``: unit, month, respondents, index 0–100."""

    unit_id: str
    period: str  # YYYY-MM
    respondents: int
    qwl_index: float


class PulseResults(Protocol):
    """What :func:`staff_survey_rows` reads from the feedback store."""

    def pulse_groups(self) -> Sequence[PulseGroup]: ...


def check_period(period: str) -> str:
    """A pulse month is ``YYYY-MM`` (the ``period`` of ``staff_survey``)."""
    if not _PERIOD.fullmatch(period):
        raise ValueError(f"period must be YYYY-MM, not {period!r}")
    return period


def check_items(items: Mapping[str, int | None]) -> dict[str, int]:
    """The answered items (None: not answered, dropped), each a whole number 1–5.

    Raises :class:`InvalidPulseAnswer` for anything else, or when nothing was answered.
    """
    answered = {key: value for key, value in items.items() if value is not None}
    for key, value in answered.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidPulseAnswer(f"{key} must be a whole number {LOW}–{HIGH}")
        if not LOW <= value <= HIGH:
            raise InvalidPulseAnswer(f"{key} {value} is outside {LOW}–{HIGH}")
    if not answered:
        raise InvalidPulseAnswer("at least one item must be answered")
    return answered


def pulse_index(items: Mapping[str, int | None]) -> float:
    """Tilannekuva's pulse index of one answer, 0–100 (not Kesti's QWL formula; see above)."""
    answered = check_items(items)
    scaled = [(value - LOW) / (HIGH - LOW) * 100 for value in answered.values()]
    return sum(scaled) / len(scaled)


def staff_survey_rows(store: PulseResults, min_group: int = SMALLEST_GROUP) -> list[StaffSurveyRow]:
    """``staff_survey`` rows of the pulse: unit × month groups of ``min_group`` or more.

    ``qwl_index`` is the mean of the respondents' indexes, rounded to one decimal. A smaller
    group is left out entirely, its count too: with three answers, even "3 respondents" next
    to a mean could identify people in a small team.
    """
    return [
        StaffSurveyRow(
            group.unit_id,
            group.period,
            group.respondents,
            round(group.index_sum / group.respondents, 1),
        )
        for group in store.pulse_groups()
        if group.respondents >= min_group
    ]
