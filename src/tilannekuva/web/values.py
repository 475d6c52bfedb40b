"""Indicator values and targets as a reader sees them, in the reader's language.

One place decides how a percent, an NPS, a median of days or a count is written, so the
scorecard, the explorer and the unit pages never disagree (``86,9 %``, ``+79``, ``14 vrk``).
"""

from __future__ import annotations

from collections.abc import Callable

from tilannekuva.indicators.catalogue import Direction, Indicator, Target, Unit
from tilannekuva.indicators.scorecard import Status
from tilannekuva.web.i18n import N_, Formatter

Translate = Callable[[str], str]


def indicator_name(indicator: Indicator, locale: str) -> str:
    """The catalogue's name in the reader's language."""
    return {"fi": indicator.name_fi, "sv": indicator.name_sv}.get(locale, indicator.name_en)


def format_value(fmt: Formatter, unit: Unit, value: float | int | None, _: Translate) -> str:
    """A value in its unit of measure; an empty value is a dash."""
    if value is None:
        return "–"
    if unit is Unit.PERCENT:
        return f"{fmt.number(value, 1)} %" if fmt.locale != "en" else f"{fmt.number(value, 1)}%"
    if unit is Unit.NPS:
        sign = "+" if value > 0 else ""
        return sign + fmt.number(value, 0)
    if unit is Unit.DAYS:
        return _("%(days)s days") % {"days": fmt.plain(value)}
    if unit is Unit.COUNT:
        return fmt.number(value, 0)
    return fmt.number(value, 2 if unit is Unit.MEAN else 1)


def format_target(fmt: Formatter, indicator: Indicator, target: Target | None, _: Translate) -> str:
    """``≥ 80,0 %`` or ``≤ 10 days``, with the deadline when there is one."""
    if target is None:
        return _("no target")
    sign = "≤" if indicator.direction is Direction.LOWER_BETTER else "≥"
    text = f"{sign} {format_value(fmt, indicator.unit, target.value, _)}"
    if target.deadline:
        text += " " + _("by %(period)s") % {"period": fmt.period(target.deadline)}
    return text


STATUS_WORDS: dict[Status, str] = {
    Status.MET: N_("Target met"),
    Status.BELOW: N_("Below target"),
    Status.ABOVE: N_("Above target"),
    Status.NO_TARGET: N_("No target"),
    Status.NO_DATA: N_("No data"),
}
STATUS_CLASSES: dict[Status, str] = {
    Status.MET: "status--met",
    Status.BELOW: "status--not-met",
    Status.ABOVE: "status--not-met",
    Status.NO_TARGET: "status--none",
    Status.NO_DATA: "status--none",
}


def status_words(status: Status, _: Translate) -> str:
    return _(STATUS_WORDS[status])
