"""Live feedback results per unit and service, straight from the feedback store.

The indicator pages show feedback by month and quarter from the indicator engine; a unit
manager also wants to see this morning's answers the moment they arrive (issue 4: "live
results per unit and service"), and the control board shows the same "latest feedback". So
this module reads the store directly: one aggregate query per time window (answers, the
recommendation score and the national statements, by unit, service area and channel), and
pure functions that add the groups up and apply the role rules:

- NPS as indicators-v1 defines it: promoters answer 9–10, detractors 0–6, NPS = % promoters −
  % detractors over the answers with a score; a statement's mean is over its answers 1–5 (0 =
  "cannot say" is in neither the sum nor n);
- outside the analyst role any cell with 1–4 answers is suppressed (the indicator engine's
  ``SMALLEST_SHOWN``); as in indicators-v1 there is no secondary suppression;
- free text only for the analyst role, and only the screened text (``free_text_screened``);
  the public output never carries it.

Time windows are local (Europe/Helsinki) calendar months or the last N days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from tilannekuva.feedback.store import FeedbackStore, StoredAnswer
from tilannekuva.feedback.store.answers import CHANNELS
from tilannekuva.feedback.store.models import ResponseRow
from tilannekuva.indicators.engine import SMALLEST_SHOWN
from tilannekuva.model.extract_schema import STATEMENTS

LOCAL_ZONE = ZoneInfo("Europe/Helsinki")
ANALYST = "analyst"
THIS_MONTH = "month"
LAST_30_DAYS = "30d"
RECENT_DAYS = 30
COMMENTS_SHOWN = 50
UNKNOWN_SERVICE = ""  # answers whose service area is not known


# --- time windows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Answers submitted in ``[start, end)`` (UTC); ``end`` None: up to now.

    ``choice`` is how the reader asked for it: ``month`` (this month), ``30d`` or a month
    ``YYYY-MM``; ``month`` is the local calendar month the window covers, if it is one.
    """

    choice: str
    start: datetime
    end: datetime | None
    month: str | None


def window_for(choice: str | None, now: datetime) -> Window:
    """The window a reader chose (None: this month); raises ValueError for anything else."""
    local = now.astimezone(LOCAL_ZONE)
    if choice in (None, "", THIS_MONTH):
        return _month_window(THIS_MONTH, local.year, local.month, open_ended=True)
    if choice == LAST_30_DAYS:
        return Window(LAST_30_DAYS, now.astimezone(UTC) - timedelta(days=RECENT_DAYS), None, None)
    year, month = _parse_month(choice)
    if (year, month) > (local.year, local.month):
        raise ValueError(f"{choice} is in the future")
    current = (year, month) == (local.year, local.month)
    return _month_window(choice, year, month, open_ended=current)


def _parse_month(text: str) -> tuple[int, int]:
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        raise ValueError(f"not a month YYYY-MM: {text!r}")
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12 or year < 2000:
        raise ValueError(f"not a month YYYY-MM: {text!r}")
    return year, month


def _month_window(choice: str, year: int, month: int, *, open_ended: bool) -> Window:
    start = datetime(year, month, 1, tzinfo=LOCAL_ZONE)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=LOCAL_ZONE)
    end = None if open_ended else following.astimezone(UTC)
    return Window(choice, start.astimezone(UTC), end, f"{year:04d}-{month:02d}")


def recent_months(now: datetime, count: int = 12) -> list[str]:
    """The last ``count`` local months, newest first (``YYYY-MM``), for a month picker."""
    local = now.astimezone(LOCAL_ZONE)
    months = []
    year, month = local.year, local.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


# --- tallies: what the query counts, and how groups add up ---------------------------------


@dataclass(frozen=True)
class Tally:
    """Counts of one group of answers; tallies of disjoint groups add up exactly."""

    answers: int = 0
    scored: int = 0  # answers with a recommendation score
    promoters: int = 0  # scores 9–10
    detractors: int = 0  # scores 0–6
    statement_sums: tuple[int, ...] = (0,) * len(STATEMENTS)  # of answers 1–5, s1…s7
    statement_counts: tuple[int, ...] = (0,) * len(STATEMENTS)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.answers + other.answers,
            self.scored + other.scored,
            self.promoters + other.promoters,
            self.detractors + other.detractors,
            tuple(a + b for a, b in zip(self.statement_sums, other.statement_sums, strict=True)),
            tuple(
                a + b for a, b in zip(self.statement_counts, other.statement_counts, strict=True)
            ),
        )


def tally_answers(answers: Iterable[StoredAnswer]) -> Tally:
    """The tally of stored answers (the same counts the store query makes in SQL)."""
    total = Tally()
    for answer in answers:
        values = [answer.statements.get(name) for name in STATEMENTS]
        total += Tally(
            answers=1,
            scored=int(answer.nps is not None),
            promoters=int(answer.nps is not None and answer.nps >= 9),
            detractors=int(answer.nps is not None and answer.nps <= 6),
            statement_sums=tuple(v if v is not None and 1 <= v <= 5 else 0 for v in values),
            statement_counts=tuple(int(v is not None and 1 <= v <= 5) for v in values),
        )
    return total


@dataclass(frozen=True)
class GroupKey:
    """The finest grouping the store query makes."""

    unit_id: str
    service_area: str
    channel: str


def _valid(column: ColumnElement[int | None]) -> ColumnElement[int | None]:
    return case((column.between(1, 5), column), else_=None)


def query_tallies(
    store: FeedbackStore, window: Window, unit_id: str | None = None
) -> dict[GroupKey, Tally]:
    """One aggregate query: the tally of every (unit, service area, channel) in the window
    (of one unit only, when ``unit_id`` is given)."""
    statements = [getattr(ResponseRow, name) for name in STATEMENTS]
    query = (
        select(
            ResponseRow.unit_id,
            ResponseRow.service_area,
            ResponseRow.channel,
            func.count(),
            func.count(ResponseRow.nps),
            func.sum(case((ResponseRow.nps >= 9, 1), else_=0)),
            func.sum(case((ResponseRow.nps <= 6, 1), else_=0)),
            *(func.sum(_valid(column)) for column in statements),
            *(func.count(_valid(column)) for column in statements),
        )
        .where(ResponseRow.submitted_at >= window.start)
        .group_by(ResponseRow.unit_id, ResponseRow.service_area, ResponseRow.channel)
    )
    if window.end is not None:
        query = query.where(ResponseRow.submitted_at < window.end)
    if unit_id is not None:
        query = query.where(ResponseRow.unit_id == unit_id)
    width = len(STATEMENTS)
    tallies: dict[GroupKey, Tally] = {}
    with Session(store.engine) as session:
        for row in session.execute(query):
            unit_id, service_area, channel, *numbers = row
            counts = [int(value or 0) for value in numbers]
            key = GroupKey(unit_id, service_area or UNKNOWN_SERVICE, channel)
            tallies[key] = Tally(
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                tuple(counts[4 : 4 + width]),
                tuple(counts[4 + width :]),
            )
    return tallies


# --- figures: what a reader in a role may see ----------------------------------------------


@dataclass(frozen=True)
class Nps:
    """The recommendation score of a group; values None when there is none or it is hidden."""

    n: int | None
    value: float | None
    promoters_pct: float | None
    detractors_pct: float | None
    suppressed: bool


@dataclass(frozen=True)
class StatementMean:
    key: str
    n: int | None
    mean: float | None
    suppressed: bool


@dataclass(frozen=True)
class Figures:
    """One cell of the results: a group's answers, NPS and statement means."""

    answers: int | None
    answers_suppressed: bool
    nps: Nps
    statements: tuple[StatementMean, ...]


def _hidden(n: int, role: str) -> bool:
    return role != ANALYST and 0 < n < SMALLEST_SHOWN


def figures(tally: Tally, role: str) -> Figures:
    """The figures of a tally as ``role`` may see them (see the module docstring)."""
    if _hidden(tally.scored, role):
        nps = Nps(None, None, None, None, suppressed=True)
    elif tally.scored == 0:
        nps = Nps(0, None, None, None, suppressed=False)
    else:
        promoters = 100 * tally.promoters / tally.scored
        detractors = 100 * tally.detractors / tally.scored
        nps = Nps(tally.scored, promoters - detractors, promoters, detractors, suppressed=False)
    means = []
    for key, total, n in zip(STATEMENTS, tally.statement_sums, tally.statement_counts, strict=True):
        if _hidden(n, role):
            means.append(StatementMean(key, None, None, suppressed=True))
        else:
            means.append(StatementMean(key, n, total / n if n else None, suppressed=False))
    hide_answers = _hidden(tally.answers, role)
    return Figures(None if hide_answers else tally.answers, hide_answers, nps, tuple(means))


@dataclass(frozen=True)
class GroupResult:
    """A group (the county, a service area or a unit): its figures, and by channel."""

    key: str
    figures: Figures
    channels: tuple[tuple[str, Figures], ...]
    service_area: str = UNKNOWN_SERVICE


@dataclass(frozen=True)
class LiveResults:
    window: Window
    role: str
    county: GroupResult
    service_areas: tuple[GroupResult, ...]
    units: tuple[GroupResult, ...]
    statements_asked: tuple[str, ...] = field(default=())  # statements with any answer


def _group(
    key: str, tallies: Mapping[GroupKey, Tally], role: str, service_area: str = UNKNOWN_SERVICE
) -> GroupResult:
    by_channel: dict[str, Tally] = defaultdict(Tally)
    for group, tally in tallies.items():
        by_channel[group.channel] += tally
    total = sum(by_channel.values(), Tally())
    ordered = sorted(by_channel, key=lambda c: (CHANNELS.index(c) if c in CHANNELS else 99, c))
    return GroupResult(
        key,
        figures(total, role),
        tuple((channel, figures(by_channel[channel], role)) for channel in ordered),
        service_area,
    )


def build_results(tallies: Mapping[GroupKey, Tally], window: Window, role: str) -> LiveResults:
    """County, service-area and unit results from the store query's tallies."""
    by_area: dict[str, dict[GroupKey, Tally]] = defaultdict(dict)
    by_unit: dict[str, dict[GroupKey, Tally]] = defaultdict(dict)
    for key, tally in tallies.items():
        by_area[key.service_area][key] = tally
        by_unit[key.unit_id][key] = tally
    units = []
    for unit_id in sorted(by_unit):
        answers_by_area: Counter[str] = Counter()
        for key, tally in by_unit[unit_id].items():
            answers_by_area[key.service_area] += tally.answers
        area = answers_by_area.most_common(1)[0][0]  # a unit belongs to one service area
        units.append(_group(unit_id, by_unit[unit_id], role, area))
    total = sum(tallies.values(), Tally())
    asked = tuple(name for name, n in zip(STATEMENTS, total.statement_counts, strict=True) if n > 0)
    return LiveResults(
        window,
        role,
        _group("county", tallies, role),
        tuple(_group(area, by_area[area], role, area) for area in sorted(by_area)),
        tuple(units),
        asked,
    )


def live_results(
    store: FeedbackStore, window: Window, role: str, unit_id: str | None = None
) -> LiveResults:
    """The live results of a window for a role: the one store query and the pure rules
    (``unit_id``: that unit's answers only, so ``county`` is then the unit's total)."""
    return build_results(query_tallies(store, window, unit_id), window, role)


# --- free text -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """A screened comment as the analyst sees it: never the respondent's original words."""

    response_id: str
    submitted_at: datetime
    unit_id: str
    channel: str
    text: str


def screened_comments(
    answers: Iterable[StoredAnswer], window: Window, role: str, limit: int = COMMENTS_SHOWN
) -> tuple[Comment, ...]:
    """The newest screened comments of the window, for the analyst role only."""
    if role != ANALYST:
        return ()
    inside = [
        answer
        for answer in answers
        if answer.free_text_screened
        and answer.submitted_at >= window.start
        and (window.end is None or answer.submitted_at < window.end)
    ]
    inside.sort(key=lambda answer: answer.submitted_at, reverse=True)
    return tuple(
        Comment(
            answer.response_id,
            answer.submitted_at,
            answer.unit_id,
            answer.channel,
            answer.free_text_screened or "",
        )
        for answer in inside[:limit]
    )


def unit_comments(
    store: FeedbackStore, unit_id: str, window: Window, role: str
) -> tuple[Comment, ...]:
    """A unit's newest screened comments for the analyst; nothing (and no query) otherwise."""
    if role != ANALYST:
        return ()
    return screened_comments(store.answers(since=window.start, unit_id=unit_id), window, role)
