"""The board's tiles in the reader's language: what the desk view and the wall display show.

A ``board.view.BoardView`` holds numbers and codes only; every word is chosen and translated
here, so one computed board serves every language, both the desk view (``pages/board.py``)
and the wall display (``pages/wall.py``), and the pushed updates (``board_service.py``), which
all render ``_board_tiles.html`` from :func:`tiles_html`. Each status is a word first (OK,
Attention, Alert), then a symbol and a border (``static/board.css``); the demand chart has its
table beside it.

Decisions:

- Counts of queues (messages, calls, assessments) are shown exactly, also on the wall: they
  are the team's work list, not statistics about people. Feedback numbers follow the
  small-cell rule: an NPS or an answer count of fewer than 5 answers is not shown.
- The wall shows no links (nobody clicks a wall, and the lists need sign-in); the desk view
  links every alert and every count that has a list to that list.
- Durations are whole minutes (``2 h 05 min``); a wait under a minute is "under 1 min".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_time, get_day_names
from markupsafe import Markup, escape

from tilannekuva.board.lists import LIST_KINDS
from tilannekuva.board.view import (
    AppointmentsTile,
    AssessmentsTile,
    BoardView,
    CallsTile,
    ContextRow,
    DemandTile,
    FeedbackTile,
    MessagesTile,
    RemoteTile,
    T3Group,
)
from tilannekuva.indicators.catalogue import INDICATORS, Unit
from tilannekuva.indicators.engine import SMALLEST_SHOWN
from tilannekuva.web.i18n import N_, TIME_ZONE, Formatter, babel_locale, translations
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.templating import environment
from tilannekuva.web.values import Translate, format_value, indicator_name

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATE_DIR = Path(__file__).parent / "templates"
HELSINKI = ZoneInfo(TIME_ZONE)
DESK = "desk"
WALL = "wall"

STATUS_WORDS = {"ok": N_("OK"), "attention": N_("Attention"), "alert": N_("Alert")}
CHANNEL_WORDS = {
    "calls": N_("Phone calls"),
    "messages": N_("E-messages"),
    "walk_ins": N_("Walk-in visits"),
    "remote": N_("Remote contacts"),
}
GROUP_WORDS = {
    "doctor": N_("Doctors"),
    "nurse": N_("Nurses"),
    "dentist": N_("Dentists"),
    "oral_hygienist": N_("Dental hygienists"),
    "physiotherapist": N_("Physiotherapists"),
    "psychologist": N_("Psychologists"),
    "social_worker": N_("Social workers"),
    "other": N_("Other professionals"),
}
CONTEXT_INDICATORS = (
    "care_guarantee_7d",
    "care_guarantee_legal",
    "assessment_coverage",
    "assessment_coverage_doctor",
    "assessment_coverage_dentist",
)
SHORT_NAMES = {
    "care_guarantee_7d": N_("Care guarantee, 7 days"),
    "care_guarantee_legal": N_("Care guarantee, legal limit"),
    "assessment_coverage": N_("Visits with an assessment"),
    "assessment_coverage_doctor": N_("Visits with an assessment, doctors"),
    "assessment_coverage_dentist": N_("Visits with an assessment, dentists"),
}
_INDICATORS = {indicator.id: indicator for indicator in INDICATORS}


def _page_version() -> str:
    """A short hash of what a board page is made of: a page of another version (an upgrade
    while a wall display was showing it) is told to load itself again."""
    digest = hashlib.sha256(version("tilannekuva").encode("utf-8"))
    files = [STATIC_DIR / "board.css", STATIC_DIR / "board-live.js"]
    files += sorted(TEMPLATE_DIR.glob("board*.html")) + sorted(TEMPLATE_DIR.glob("wall*.html"))
    files.append(TEMPLATE_DIR / "_board_tiles.html")
    for path in files:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


PAGE_VERSION = _page_version()


# --- what the template shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One big number with its label; ``href`` is the list behind it (desk only)."""

    label: str
    value: str
    href: str | None = None
    small: bool = False
    desk_only: bool = False  # a detail a wall leaves out to fit the screen


@dataclass(frozen=True)
class TableRow:
    header: str
    cells: tuple[str, ...]
    status: str | None = None  # ok | attention | alert: the row's own status word
    status_text: str = ""


@dataclass(frozen=True)
class Table:
    """A table of a tile: the numbers behind a chart, or a breakdown."""

    caption: str
    head: tuple[str, ...]  # the row header's column first
    rows: tuple[TableRow, ...]
    empty: str = ""
    status_column: bool = False  # the rows' status words in a last column of their own; else
    # a status other than OK is written after the row's header


@dataclass(frozen=True)
class Tile:
    key: str  # the element id: tile-<key>
    title: str
    status: str  # ok | attention | alert | none
    status_text: str
    figures: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = ()  # explanations: the desk view only
    chart: Markup | None = None
    legend: tuple[tuple[str, str], ...] = ()  # (key class, label) of the chart's marks
    tables: tuple[Table, ...] = ()
    remarks: tuple[str, ...] = ()  # about the situation now: everywhere
    wide: bool = False  # two columns on a desk screen (a chart or a wide table)


@dataclass(frozen=True)
class AlertLine:
    kind: str
    severity: str
    severity_text: str
    text: str
    href: str | None


@dataclass(frozen=True)
class BoardTiles:
    """Everything ``_board_tiles.html`` shows, every text in the reader's language."""

    alerts: tuple[AlertLine, ...]
    alerts_title: str
    no_alerts: str
    tiles: tuple[Tile, ...]


# --- words and numbers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """The reader's language: translation, numbers and the unit names of the load."""

    locale: str
    _: Translate
    fmt: Formatter
    names: Mapping[str, str]
    today: date | None = None  # a time on another day is written with its date

    def status(self, status: str) -> str:
        return self._(STATUS_WORDS[status]) if status in STATUS_WORDS else "–"

    def count(self, value: int | None) -> str:
        return self.fmt.number(value, 0)

    def level(self, value: float | None) -> str:
        """A usual level (a mean): whole numbers from 10 up, one decimal below."""
        if value is None:
            return "–"
        return self.fmt.number(value, 0 if value >= 10 else 1)

    def duration(self, seconds: int | None) -> str:
        """``45 min``, ``2 h 05 min``, ``12 d 3 h``; under a minute ``under 1 min``."""
        if seconds is None:
            return "–"
        minutes = seconds // 60
        if minutes < 1:
            return self._("under 1 min")
        if minutes < 60:
            return self._("%(minutes)s min") % {"minutes": minutes}
        if minutes >= 24 * 60:
            return self._("%(days)s d %(hours)s h") % {
                "days": minutes // (24 * 60),
                "hours": minutes // 60 % 24,
            }
        return self._("%(hours)s h %(minutes)s min") % {
            "hours": minutes // 60,
            "minutes": f"{minutes % 60:02d}",
        }

    def days_left(self, days: int | None) -> str:
        if days is None:
            return self._("no legal limit")
        if days > 0:
            return self._("%(days)s days left") % {"days": days}
        if days == 0:
            return self._("last day today")
        return self._("%(days)s days past the limit") % {"days": -days}

    def time(self, moment: datetime | None) -> str:
        """``9.05`` today's wall clock; another day with its date."""
        if moment is None:
            return "–"
        local = moment.astimezone(HELSINKI)
        clock = format_time(local, "short", locale=babel_locale(self.locale))
        if local.date() == (self.today or datetime.now(HELSINKI).date()):
            return clock
        return f"{self.fmt.date(local.date())} {clock}"

    def clock(self, moment: datetime) -> str:
        """The Helsinki wall clock with seconds, as the locale writes it (``9.05.12``)."""
        local = moment.astimezone(HELSINKI)
        return format_time(local, "medium", locale=babel_locale(self.locale))

    def date(self, day: date | None) -> str:
        return self.fmt.date(day)

    def weekday(self, weekday: int) -> str:
        return str(get_day_names("wide", locale=babel_locale(self.locale))[weekday])

    def unit_name(self, unit_id: str) -> str:
        return self.names.get(unit_id, unit_id)

    def group(self, code: str) -> str:
        return self._(GROUP_WORDS[code]) if code in GROUP_WORDS else code


def words_for(locale: str, names: Mapping[str, str], today: date | None = None) -> Words:
    return Words(locale, translations(locale).gettext, Formatter(locale), names, today)


def hidden_count(words: Words, count: int) -> str | None:
    """The small-cell rule for feedback counts: None when the count may be shown."""
    if 0 < count < SMALLEST_SHOWN:
        return words._("fewer than 5")
    return None


# --- addresses -------------------------------------------------------------------------------


def list_href(kind: str, unit_ids: Sequence[str]) -> str:
    if len(unit_ids) == 1:
        return f"/board/units/{quote(unit_ids[0], safe='')}/lists/{kind}"
    return f"/board/lists/{kind}?" + urlencode([("unit", unit_id) for unit_id in unit_ids])


# --- the tiles -------------------------------------------------------------------------------

Link = Callable[[str], str | None]


def board_tiles(view: BoardView, words: Words, link: Link, *, wall: bool = False) -> BoardTiles:
    """The board as the template shows it; ``link(kind)`` is the address of a list or None.

    A wall gets no explanations and fewer details (a screen read from across the room has
    room for the main numbers only), and the demand table without its chart (the table says
    the same)."""
    _ = words._
    alerts = tuple(
        AlertLine(
            alert.kind,
            alert.severity,
            words.status(alert.severity),
            alert_text(alert.kind, alert.count, view, words),
            link(alert.list_ref),
        )
        for alert in view.alerts
    )
    tiles: tuple[Tile, ...] = (
        demand_tile(view.demand, words, wall=wall),
        messages_tile(view.messages, words, link),
        calls_tile(view.calls, words, link),
        assessments_tile(view.assessments, words, link),
        appointments_tile(view.appointments, words, wall=wall),
        remote_tile(view.remote, words, wall=wall),
        feedback_tile(view.feedback, words),
        context_tile(view.context, words, unit_ids=view.unit_ids, wall=wall),
    )
    if wall:
        tiles = tuple(
            replace(tile, notes=(), figures=tuple(f for f in tile.figures if not f.desk_only))
            for tile in tiles
        )
    return BoardTiles(alerts, _("Alerts"), _("No alerts: nothing needs attention now."), tiles)


def alert_text(kind: str, count: int, view: BoardView, words: Words) -> str:
    _ = words._
    values = {"count": words.count(count)}
    if kind == "messages_over_promise":
        return _("E-messages past the one-hour promise: %(count)s") % values
    if kind == "assessments_near_limit":
        values["days"] = str(view.assessments.near_limit_days)
        return _("Assessments %(days)s days or less from the legal limit: %(count)s") % values
    if kind == "callbacks_pending":
        return _("Call-backs promised and not yet made: %(count)s") % values
    if kind == "calls_waiting":
        values["minutes"] = str(view.calls.wait_limit_seconds // 60)
        return _("Calls waiting over %(minutes)s min: %(count)s") % values
    return f"{kind}: {values['count']}"


def demand_tile(tile: DemandTile, words: Words, *, wall: bool = False) -> Tile:
    _ = words._
    rows = tuple(
        TableRow(
            words._(CHANNEL_WORDS.get(channel.channel, channel.channel)),
            (words.count(channel.today), words.level(channel.usual_by_now))
            + (() if wall else (words.level(channel.usual_day),)),
            channel.status,
            words.status(channel.status),
        )
        for channel in tile.channels
    )
    reference = max((channel.reference_days for channel in tile.channels), default=0)
    note = (
        _("Usual level: the mean of %(days)s earlier office days that were a %(weekday)s.")
        % {"days": reference, "weekday": words.weekday(tile.weekday)}
        if reference
        else _("No usual level for this weekday in the latest load.")
    )
    if wall:  # short headers, a narrow column; the caption says what they mean
        head: tuple[str, ...] = (_("Channel"), _("Today"), _("Usual"))
        caption = _("Demand today so far, and the usual level by this time")
    else:
        head = (_("Channel"), _("Today so far"), _("Usual by now"), _("Usual whole day"))
        head += (_("Status"),)
        caption = _("Demand today by channel")
    table = Table(caption, head, rows, status_column=not wall)
    return Tile(
        "demand",
        _("Demand today"),
        tile.status,
        words.status(tile.status),
        notes=(note,),
        chart=None if wall else demand_chart(tile, words),
        legend=()
        if wall
        else (("key--today", _("today so far")), ("key--usual", _("usual by now"))),
        tables=(table,),
        wide=True,
    )


def demand_chart(tile: DemandTile, words: Words) -> Markup:
    """Today's count of each channel as a bar, the usual level by now as a dashed outline.

    Plain SVG with classes (coloured by ``board.css``, so both themes work under the page's
    Content-Security-Policy); its numbers are in the table beside it.
    """
    _ = words._
    labels = [words._(CHANNEL_WORDS.get(c.channel, c.channel)) for c in tile.channels]
    # room for the longest label at 15 px (about 8.5 px a character), at most half the chart
    width, right, row, top = 600.0, 60.0, 34.0, 6.0
    left = min(width / 2, 16 + 8.5 * max([len(label) for label in labels] or [8]))
    values = [c.today for c in tile.channels] + [c.usual_by_now or 0 for c in tile.channels]
    high = max([1.0, *values])
    scale = (width - left - right) / high
    parts: list[str] = []
    for index, channel in enumerate(tile.channels):
        y = top + index * row
        label = escape(labels[index])
        parts.append(f'<text x="{left - 8:.0f}" y="{y + 21:.0f}" text-anchor="end">{label}</text>')
        parts.append(
            f'<rect class="bar-today" x="{left:.0f}" y="{y + 6:.0f}" '
            f'width="{max(channel.today * scale, 1.0):.1f}" height="{row - 12:.0f}"/>'
        )
        if channel.usual_by_now is not None:
            parts.append(
                f'<rect class="bar-usual" x="{left:.0f}" y="{y + 4:.0f}" '
                f'width="{max(channel.usual_by_now * scale, 1.0):.1f}" height="{row - 8:.0f}"/>'
            )
        end = left + max(channel.today, channel.usual_by_now or 0) * scale + 6
        parts.append(
            f'<text x="{end:.0f}" y="{y + 21:.0f}">{escape(words.count(channel.today))}</text>'
        )
    height = top + row * max(len(tile.channels), 1) + 6
    parts.append(
        f'<line class="axis" x1="{left:.0f}" y1="{top:.0f}" x2="{left:.0f}" y2="{height - 6:.0f}"/>'
    )
    summary = "; ".join(
        _("%(channel)s: %(today)s today, usual by now %(usual)s")
        % {
            "channel": words._(CHANNEL_WORDS.get(c.channel, c.channel)),
            "today": words.count(c.today),
            "usual": words.level(c.usual_by_now),
        }
        for c in tile.channels
    )
    title = escape(_("Demand today against the usual level by now"))
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="board-chart" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-labelledby="demand-chart-title '
        f'demand-chart-desc"><title id="demand-chart-title">{title}</title>'
        f'<desc id="demand-chart-desc">{escape(summary)}</desc>' + "".join(parts) + "</svg>"
    )


def messages_tile(tile: MessagesTile, words: Words, link: Link) -> Tile:
    _ = words._
    figures = (
        Figure(_("Waiting for an answer"), words.count(tile.waiting), link("messages_waiting")),
        Figure(
            _("Past the one-hour promise"),
            words.count(tile.over_promise),
            link("messages_over_promise"),
        ),
        Figure(_("Oldest has waited"), words.duration(tile.oldest_wait_seconds), small=True),
        Figure(
            _("Of it in office hours"),
            words.duration(tile.oldest_office_seconds),
            small=True,
            desk_only=True,
        ),
    )
    note = _(
        "The promise: an answer within one office hour (Mon–Fri 8–16, not on public holidays)."
    )
    remarks: tuple[str, ...] = ()
    if not tile.office_hours_now:
        remarks = (_("Outside office hours now: waiting times do not grow toward the promise."),)
    return Tile(
        "messages",
        _("E-messages"),
        tile.status,
        words.status(tile.status),
        figures,
        (note,),
        remarks=remarks,
    )


def calls_tile(tile: CallsTile, words: Words, link: Link) -> Tile:
    _ = words._
    minutes = tile.wait_limit_seconds // 60
    figures = (
        Figure(_("Waiting in the queue"), words.count(tile.waiting)),
        Figure(
            _("Waiting over %(minutes)s min") % {"minutes": minutes},
            words.count(tile.waiting_over_limit),
            link("calls_waiting"),
        ),
        Figure(
            _("Call-backs promised, not made"),
            words.count(tile.callbacks_pending),
            link("callbacks_pending"),
        ),
        Figure(
            _("Abandoned today, not called back"),
            words.count(tile.abandoned_today),
            link("calls_abandoned"),
        ),
        Figure(
            _("Longest wait in the queue"), words.duration(tile.oldest_wait_seconds), small=True
        ),
        Figure(
            _("Oldest call-back waiting"),
            words.duration(tile.oldest_callback_seconds),
            small=True,
            desk_only=True,
        ),
    )
    return Tile("calls", _("Phone"), tile.status, words.status(tile.status), figures)


def assessments_tile(tile: AssessmentsTile, words: Words, link: Link) -> Tile:
    _ = words._
    figures = (
        Figure(_("Made today"), words.count(tile.made_today)),
        Figure(_("Waiting for a visit"), words.count(tile.open), link("assessments_open")),
        Figure(
            _("%(days)s days or less to the legal limit") % {"days": tile.near_limit_days},
            words.count(tile.near_limit),
            link("assessments_near_limit"),
        ),
        Figure(
            _("On the last day or past it"),
            words.count(tile.last_day_or_past),
            small=True,
            desk_only=True,
        ),
        Figure(_("Nearest limit"), words.days_left(tile.soonest_days_left), small=True),
    )
    note = _(
        "Non-urgent care needs assessed and not yet met by a visit; the legal limit is the "
        "care guarantee's maximum wait."
    )
    return Tile(
        "assessments",
        _("Care-need assessments"),
        tile.status,
        words.status(tile.status),
        figures,
        (note,),
    )


def appointments_tile(tile: AppointmentsTile, words: Words, *, wall: bool = False) -> Tile:
    _ = words._

    def t3_cells(group: T3Group) -> tuple[str, ...]:
        days = (
            _("%(days)s days") % {"days": words.fmt.plain(group.t3_days)}
            if group.t3_days is not None
            else _("not measurable")
        )
        if wall:
            return (days,)
        measured = {"measured": group.measurable, "books": group.books}
        return (days, _("%(measured)s of %(books)s") % measured)

    head: tuple[str, ...] = (_("Professional group"), _("T3"))
    if not wall:
        head += (_("Books measured"), _("Status"))
    t3 = Table(
        _("T3 by professional group (days to the third free non-urgent slot)"),
        head,
        tuple(
            TableRow(
                words.group(group.professional_group),
                t3_cells(group),
                group.status,
                words.status(group.status),
            )
            for group in tile.t3
        ),
        _("No appointment books known."),
        status_column=not wall,
    )
    groups = sorted({g.professional_group for h in tile.free_slots for g in h.by_group})
    free = Table(
        _("Free non-urgent slots in the next %(days)s days")
        % {"days": ", ".join(str(h.days) for h in tile.free_slots)},
        (
            _("Professional group"),
            *(_("%(days)s days") % {"days": h.days} for h in tile.free_slots),
        ),
        (
            *(
                TableRow(
                    words.group(group),
                    tuple(
                        words.count(
                            next((g.count for g in h.by_group if g.professional_group == group), 0)
                        )
                        for h in tile.free_slots
                    ),
                )
                for group in groups
            ),
            TableRow(_("All"), tuple(words.count(h.count) for h in tile.free_slots)),
        ),
    )
    notes: tuple[str, ...] = ()
    if tile.snapshot_date is not None:
        notes = (
            _("Appointment books as of %(date)s, with today's bookings and cancellations.")
            % {"date": words.date(tile.snapshot_date)},
        )
    return Tile(
        "appointments",
        _("Appointments"),
        tile.status,
        words.status(tile.status),
        notes=notes,
        tables=(t3, free),
        wide=True,
    )


def remote_tile(tile: RemoteTile, words: Words, *, wall: bool = False) -> Tile:
    _ = words._

    def share(value: float | None) -> str:
        return format_value(words.fmt, Unit.PERCENT, value, _) if value is not None else "–"

    figures = (
        Figure(_("Remote share today"), share(tile.today.share_pct)),
        Figure(_("Remote share this week"), share(tile.week.share_pct)),
    )
    table = Table(
        _("Customer contacts, remote and in person"),
        (_("Period"), _("Remote"), _("In person")),
        (
            TableRow(
                _("Today"), (words.count(tile.today.remote), words.count(tile.today.in_person))
            ),
            TableRow(
                _("This week (from %(date)s)") % {"date": words.date(tile.week_start)},
                (words.count(tile.week.remote), words.count(tile.week.in_person)),
            ),
        ),
    )
    # the counts behind the shares are for the desk; a wall shows the shares
    return Tile(
        "remote", _("Remote contacts"), "none", "", figures, tables=() if wall else (table,)
    )


def feedback_tile(tile: FeedbackTile, words: Words) -> Tile:
    _ = words._
    nps_hidden = hidden_count(words, tile.nps_answers)
    nps = nps_hidden or (
        format_value(words.fmt, Unit.NPS, tile.nps, _) if tile.nps is not None else "–"
    )
    answers = hidden_count(words, tile.responses) or words.count(tile.responses)
    figures = [
        Figure(_("NPS, last %(days)s days") % {"days": tile.days}, nps),
        Figure(_("Answers, last %(days)s days") % {"days": tile.days}, answers, small=True),
    ]
    if tile.pulse_index is not None and tile.pulse_period is not None:
        figures.append(
            Figure(
                _("Staff pulse %(month)s (%(respondents)s answered)")
                % {
                    "month": words.fmt.period(tile.pulse_period),
                    "respondents": words.count(tile.pulse_respondents),
                },
                words.fmt.number(tile.pulse_index, 1),
            )
        )
        notes: tuple[str, ...] = (_("Staff pulse index 0–100: higher is better."),)
    else:
        notes = (_("No staff pulse reported yet (results need at least 5 answers)."),)
    return Tile(
        "feedback",
        _("Customer feedback and staff pulse"),
        "none",
        "",
        tuple(figures),
        notes,
    )


def context_tile(
    rows: Sequence[ContextRow], words: Words, *, unit_ids: Sequence[str], wall: bool = False
) -> Tile:
    """Last month's indicators, one table per unit (a unit column would crowd the values)."""
    _ = words._
    month = words.fmt.period(rows[0].period) if rows else None
    tables = []
    for unit_id in unit_ids:
        lines = tuple(context_line(row, words, wall=wall) for row in rows if row.unit_id == unit_id)
        if not lines:
            continue
        caption = (
            _("Care guarantee and assessment coverage, %(month)s") % {"month": month}
            if len(unit_ids) == 1
            else f"{words.unit_name(unit_id)}, {month}"
        )
        tables.append(Table(caption, (_("Indicator"), _("Value"), _("n")), lines))
    remarks: tuple[str, ...] = ()
    if not tables:
        remarks = (_("No indicator rows for these units in the latest load."),)
    return Tile(
        "context",
        _("Last complete month"),
        "none",
        "",
        tables=tuple(tables),
        remarks=remarks,
        wide=True,
    )


def context_line(row: ContextRow, words: Words, *, wall: bool) -> TableRow:
    _ = words._
    indicator = _INDICATORS.get(row.indicator_id)
    name = indicator_name(indicator, words.locale) if indicator else row.indicator_id
    if wall and row.indicator_id in SHORT_NAMES:  # read from across the room
        name = _(SHORT_NAMES[row.indicator_id])
    if row.suppressed:
        return TableRow(name, (_("suppressed (fewer than 5)"), "–"))
    unit = indicator.unit if indicator else Unit.PERCENT
    n = words.count(int(row.denominator)) if row.denominator is not None else "–"
    return TableRow(name, (format_value(words.fmt, unit, row.value, _), n))


def tiles_html(view: BoardView, names: Mapping[str, str], locale: str, mode: str) -> Markup:
    """The tiles' HTML (``_board_tiles.html``): the pages include it, the stream sends it."""
    words = words_for(locale, names, view.day)
    units = view.unit_ids

    def link(kind: str) -> str | None:
        return list_href(kind, units) if mode == DESK and kind in LIST_KINDS else None

    board = board_tiles(view, words, link, wall=mode == WALL)
    template = environment(locale).get_template("_board_tiles.html")
    return Markup(template.render(board=board, mode=mode))


def unit_names(snapshot: Snapshot | None) -> dict[str, str]:
    return {unit.unit_id: unit.name for unit in snapshot.units} if snapshot else {}
