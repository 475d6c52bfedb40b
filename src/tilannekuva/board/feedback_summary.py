"""The board's customer-experience and staff-wellbeing numbers, read from the feedback store.

Seed 002 puts customer experience and staff wellbeing on the same board as the queues. The
board shows the last 30 days' NPS and answer count and the latest staff pulse of its units;
:func:`feedback_summary` reads them for every unit at once (one query each), so one summary
serves every board until the store's revision changes.

Decisions:

- NPS as indicators-v1 ``nps``: over answers with an NPS, (answers 9–10 − answers 0–6) /
  answers × 100. ``responses`` counts every answer of the window, with or without an NPS.
- The window is the ``days`` (30) before ``now``: ``submitted_at`` in [now − days, now].
- The staff pulse is reported only for unit × month groups of five or more respondents
  (``feedback.pulse.staff_survey_rows``, issue 4's privacy rule). The latest pulse of a set of
  units is their latest reported month; its index is the respondent-weighted mean of the units
  reported for that month.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from tilannekuva.feedback.pulse import PulseGroup, staff_survey_rows
from tilannekuva.feedback.store.answers import StoredAnswer

FEEDBACK_DAYS = 30
PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6


class FeedbackReader(Protocol):
    """What the summary reads of ``feedback.store.FeedbackStore``."""

    def answers(
        self, *, since: datetime | None = None, unit_id: str | None = None
    ) -> list[StoredAnswer]: ...

    def pulse_groups(self) -> Sequence[PulseGroup]: ...


@dataclass(frozen=True)
class FeedbackTotals:
    """Answers of a window: all of them, those with an NPS, promoters and detractors."""

    responses: int = 0
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def nps(self) -> float | None:
        """−100…100; None without any NPS answer."""
        if not self.nps_answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.nps_answers

    def __add__(self, other: FeedbackTotals) -> FeedbackTotals:
        return FeedbackTotals(
            self.responses + other.responses,
            self.nps_answers + other.nps_answers,
            self.promoters + other.promoters,
            self.detractors + other.detractors,
        )

    @staticmethod
    def of(scores: Iterable[int | None]) -> FeedbackTotals:
        """Totals of answers given as their NPS scores (None: answered without an NPS)."""
        total = FeedbackTotals()
        for score in scores:
            answered = score is not None
            total += FeedbackTotals(
                1,
                int(answered),
                int(score is not None and score >= PROMOTER_FROM),
                int(score is not None and score <= DETRACTOR_UP_TO),
            )
        return total


@dataclass(frozen=True)
class Pulse:
    """A reported staff pulse: month, respondents (5 or more), index 0–100."""

    period: str
    respondents: int
    index: float


@dataclass(frozen=True)
class FeedbackSummary:
    """Every unit's feedback totals of the window and its latest reported pulse months."""

    since: datetime
    until: datetime
    units: Mapping[str, FeedbackTotals] = field(default_factory=dict)
    pulses: Mapping[str, tuple[Pulse, ...]] = field(default_factory=dict)  # newest first

    def totals(self, unit_ids: Iterable[str]) -> FeedbackTotals:
        total = FeedbackTotals()
        for unit_id in unit_ids:
            total += self.units.get(unit_id, FeedbackTotals())
        return total

    def pulse(self, unit_ids: Iterable[str]) -> Pulse | None:
        """The units' latest reported month, respondent-weighted over the units reported."""
        reported = [pulse for unit_id in unit_ids for pulse in self.pulses.get(unit_id, ())]
        if not reported:
            return None
        latest = max(pulse.period for pulse in reported)
        month = [pulse for pulse in reported if pulse.period == latest]
        respondents = sum(pulse.respondents for pulse in month)
        index = sum(pulse.index * pulse.respondents for pulse in month) / respondents
        return Pulse(latest, respondents, round(index, 1))


def feedback_summary(
    store: FeedbackReader, now: datetime, days: int = FEEDBACK_DAYS
) -> FeedbackSummary:
    """The summary of the ``days`` before ``now`` (an aware instant)."""
    since = now - timedelta(days=days)
    scores: dict[str, list[int | None]] = {}
    for answer in store.answers(since=since):
        if answer.submitted_at <= now:
            scores.setdefault(answer.unit_id, []).append(answer.nps)
    pulses: dict[str, list[Pulse]] = {}
    for row in staff_survey_rows(store):
        pulses.setdefault(row.unit_id, []).append(Pulse(row.period, row.respondents, row.qwl_index))
    return FeedbackSummary(
        since,
        now,
        {unit_id: FeedbackTotals.of(values) for unit_id, values in scores.items()},
        {
            unit_id: tuple(sorted(found, key=lambda p: p.period, reverse=True))
            for unit_id, found in pulses.items()
        },
    )
