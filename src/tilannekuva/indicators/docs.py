"""docs/indicators.md, rendered from the catalogue so the page cannot drift from the code.

``tests/indicators/test_docs.py`` fails when the committed page differs from this rendering
(style habit 9: docs are tested).
"""

from __future__ import annotations

from tilannekuva.indicators.catalogue import INDICATORS, Indicator, Unit

_HEADER = """# Indicators

Generated from `tilannekuva.indicators.catalogue` by
`tilannekuva.indicators.docs.render_catalogue_markdown()`; do not edit by hand. The binding
definitions are `indicators-v1.md` and `output-v1.md`; every number the product shows names
the definition version below.

Every indicator is computed for each calendar month (`YYYY-MM`), quarter (`YYYY-Qn`) and year
(`YYYY`) by the Europe/Helsinki date of its anchor, for each unit and for the whole county
(`unit_id` empty). A row exists when at least one event enters its denominator (counts and
medians: at least one counted or measurable event). In role `public`, rows whose denominator
(counts: the count) is 1–4 are suppressed, except the T3 rows. An indicator whose required
optional file was missing from the extract has no rows at all.
"""


EDGE_CASE_DECISIONS: tuple[str, ...] = (
    "Local dates are Europe/Helsinki calendar dates; offset timestamps are converted first, "
    "timestamps without offset are local already.",
    "A first treatment event is the eligible non-urgent visit (urgency nonurgent, no care "
    "plan, contact type with is_visit) validly linked to the assessment with the earliest "
    "absolute instant; ties go to the smallest contact_id compared as a string.",
    "A valid link needs the assessment in the extract and the same person_id; any other "
    "non-empty assessment_id leaves the contact unlinked.",
    "A first treatment event with negative wait_days removes the assessment from both "
    "care-guarantee indicators; no later visit takes its place.",
    "care_guarantee_legal keeps only first events at reception or oral units (the visit's "
    "unit), chosen before that restriction; the legal maximum follows the assessment's local "
    "date and the person's completed age on that date (under 23 / 23 or over).",
    "Calendar months are added with clamping to the month's last day (31 Jan + 3 months = "
    "30 Apr); the visit is within when its local date is on or before the resulting date.",
    "Age is completed years at the event's local date; a 29 February birthday falls on "
    "1 March in common years.",
    "orphan_assessments is provisional while cutoff local date − period's last day < 90 days "
    "(exactly 90 days is final); every other indicator is final.",
    "Office hours are [08:00, 16:00) local time Monday–Friday outside the public holidays of "
    "holidays.country_holidays('FI'); times are cut to whole seconds before measuring.",
    "A message reply later than the cutoff counts as unanswered; a reply stamped before its "
    "message leaves the message out of both numerator and denominator.",
    "Calls: abandoned NULL is false; a call-back on any day clears abandonment; 'same day' "
    "compares local dates.",
    "Statement answers 0 and empty are in neither numerator nor denominator; responses without "
    "an invitation count only for nps and the statements.",
    "feedback_response_rate is anchored at the invitation's sent_at and belongs to the invited "
    "contact's unit; it needs both feedback files.",
    "Coverage needs assessments.csv: without it no link can be validated, so it has no rows.",
    "T3 books are (unit, professional group, professional_id) per snapshot date; rows without "
    "professional_id form one pooled book; a slot counts when free, slot_kind nonurgent and on "
    "or after the snapshot date (local date); fewer than three slots: not measurable.",
    "T3 medians of an even count are the mean of the two middle values; the county median is "
    "over all measurable values, not over unit medians.",
    "QWL rows with 0 respondents add nothing; the numerator is summed exactly and rounded once.",
    "Values are correctly rounded quotients of the exact numerator and denominator.",
)


def _targets(indicator: Indicator) -> str:
    if not indicator.targets:
        return "—"
    parts = []
    for target in indicator.targets:
        text = f"{target.value:g}" + (" %" if indicator.unit is Unit.PERCENT else "")
        if target.deadline:
            text += f" by {target.deadline}"
        if target.note:
            text += f" ({target.note})"
        parts.append(text)
    return "; ".join(parts)


def render_indicator(indicator: Indicator) -> str:
    """The section of one indicator."""
    lines = [
        f"## `{indicator.id}` — {indicator.name_en}",
        "",
        f"- fi: {indicator.name_fi}",
        f"- sv: {indicator.name_sv}",
        f"- definition: {indicator.definition}",
        f"- numerator: {indicator.numerator or '— (empty)'}",
        f"- denominator: {indicator.denominator or '— (empty)'}",
        f"- unit of measure: {indicator.unit.value}",
        f"- direction: {indicator.direction.value.replace('_', ' ')}",
        f"- anchor: {indicator.anchor}",
        f"- target: {_targets(indicator)}",
        f"- requires: {', '.join(f'`{name}`' for name in indicator.requires)}",
        f"- suppressed in role public: {'yes, 1–4' if indicator.suppressible else 'never'}",
        f"- source: {indicator.source}",
        f"- version: {indicator.version}",
        "",
    ]
    return "\n".join(lines)


def render_catalogue_markdown() -> str:
    """The whole ``docs/indicators.md``: an index table, then one section per indicator."""
    index = ["| id | name | unit | version |", "| --- | --- | --- | --- |"]
    index += [
        f"| `{ind.id}` | {ind.name_en} | {ind.unit.value} | {ind.version} |" for ind in INDICATORS
    ]
    sections = [render_indicator(ind) for ind in INDICATORS]
    decisions = ["## Edge cases decided in v1", ""]
    decisions += [f"- {decision}" for decision in EDGE_CASE_DECISIONS]
    return (
        _HEADER
        + "\n"
        + "\n".join(index)
        + "\n\n"
        + "\n".join(sections)
        + "\n"
        + "\n".join(decisions)
        + "\n"
    )
