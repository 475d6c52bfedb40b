"""A second, independent reading of indicators-v1 in plain Python, used only by tests.

It shares no code with the engine: it walks the same generated rows one by one, with
``zoneinfo`` for instants, a day-by-day walk for office time and ``statistics.median`` for T3.
Where the two disagree, one of them misreads the spec.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from statistics import median
from typing import Any

import holidays

from tests.indicators.random_extracts import CUTOFF_LOCAL, HELSINKI, UNIT_AREAS, Tables
from tilannekuva.model.contact_types import default_contact_types

Key = tuple[str, str, str]
FI_HOLIDAYS = holidays.country_holidays("FI", years=range(2024, 2027))


def instant(stamp: tuple[datetime, bool]) -> datetime:
    return stamp[0].replace(tzinfo=HELSINKI).astimezone(UTC)


def periods(day: date) -> list[str]:
    return [f"{day:%Y-%m}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", str(day.year)]


def age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_months(day: date, months: int) -> date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def legal_limit(area: str, assessed: date, years: int) -> date:
    if area == "reception":
        if assessed < date(2023, 9, 1):
            return add_months(assessed, 3)
        if assessed <= date(2024, 12, 31) or years < 23:
            return assessed + timedelta(days=14)
        return add_months(assessed, 3)
    if assessed < date(2023, 9, 1):
        return add_months(assessed, 6)
    if assessed <= date(2024, 10, 31):
        return add_months(assessed, 4)
    if assessed <= date(2024, 12, 31) or years < 23:
        return add_months(assessed, 3)
    return add_months(assessed, 6)


def office_day(day: date) -> bool:
    return day.weekday() < 5 and day not in FI_HOLIDAYS


def office_seconds_between(start: datetime, end: datetime) -> float:
    """Walk the days from ``start`` to ``end`` and add each day's overlap with 08–16."""
    total = 0.0
    day = start.date()
    while day <= end.date():
        if office_day(day):
            low = max(start, datetime.combine(day, time(8)))
            high = min(end, datetime.combine(day, time(16)))
            total += max(0.0, (high - low).total_seconds())
        day += timedelta(days=1)
    return total


class Sums:
    def __init__(self) -> None:
        self.cells: dict[Key, list[Any]] = defaultdict(lambda: [0, 0])

    def add(
        self, indicator: str, day: date, unit: str, numerator: Any, denominator: int = 1
    ) -> None:
        for period in periods(day):
            for scope in (unit, ""):
                self.cells[(indicator, period, scope)][0] += numerator
                self.cells[(indicator, period, scope)][1] += denominator


def expected_rows(t: Tables) -> dict[Key, tuple[Any, Any, Any]]:  # noqa: C901, PLR0912, PLR0915
    """(numerator, denominator, value) of every row the spec says exists (role analyst)."""
    codes = default_contact_types()
    births = {p["person_id"]: p["birth_date"] for p in t["persons"]}
    present = {name for name, rows in t.items() if rows} | {"assessments", "contacts"}
    s = Sums()
    assessments = {a["assessment_id"]: a for a in t["assessments"]}

    def valid(c: dict[str, Any]) -> bool:
        a = assessments.get(c["assessment_id"])
        return a is not None and a["person_id"] == c["person_id"]

    eligible = [
        c
        for c in t["contacts"]
        if c["urgency"] == "nonurgent"
        and c["care_plan"] not in ("true", "1")
        and codes[c["contact_type"]].is_visit
    ]
    for c in eligible:
        day, unit, ok = c["start_at"][0].date(), c["unit_id"], int(valid(c))
        s.add("assessment_coverage", day, unit, ok)
        if c["professional_group"] in ("doctor", "dentist"):
            s.add(f"assessment_coverage_{c['professional_group']}", day, unit, ok)
    first: dict[str, dict[str, Any]] = {}
    for c in sorted(eligible, key=lambda c: (instant(c["start_at"]), c["contact_id"])):
        if valid(c):
            first.setdefault(c["assessment_id"], c)
    for a_id, c in first.items():
        a = assessments[a_id]
        visit, assessed = c["start_at"][0].date(), a["assessed_at"][0].date()
        wait = (visit - assessed).days
        if a["outcome"] != "nonurgent_care" or wait < 0:
            continue
        s.add("care_guarantee_7d", visit, c["unit_id"], int(wait <= 7))
        area = UNIT_AREAS[c["unit_id"]]
        if area in ("reception", "oral"):
            limit = legal_limit(area, assessed, age(births[a["person_id"]], assessed))
            s.add("care_guarantee_legal", visit, c["unit_id"], int(visit <= limit))
    for a in t["assessments"]:
        if a["outcome"] == "nonurgent_care":
            linked = any(
                c["assessment_id"] == a["assessment_id"] and c["person_id"] == a["person_id"]
                for c in t["contacts"]
            )
            s.add("orphan_assessments", a["assessed_at"][0].date(), a["unit_id"], int(not linked))
    for c in t["contacts"]:
        code = codes[c["contact_type"]]
        if not code.customer_contact:
            continue
        day, unit = c["start_at"][0].date(), c["unit_id"]
        s.add("contacts_total", day, unit, 1)
        if code.remote:
            s.add("contacts_remote", day, unit, 1)
        if code.channel in ("in_person", "home_visit", "other_visit"):
            s.add("contacts_in_person", day, unit, 1)
        if age(births[c["person_id"]], day) >= 20:
            s.add("remote_contact_share_20plus", day, unit, int(code.remote))
    if "feedback_responses" in present:
        for r in t["feedback_responses"]:
            day, unit = r["submitted_at"][0].date(), r["unit_id"]
            if r["nps"] != "":
                n = int(r["nps"])
                s.add("nps", day, unit, int(n >= 9) - int(n <= 6))
                s.add("nps_promoters_pct", day, unit, int(n >= 9))
                s.add("nps_detractors_pct", day, unit, int(n <= 6))
            for k in range(1, 8):
                if r[f"s{k}"] not in ("", "0"):
                    s.add(f"statement_mean_s{k}", day, unit, int(r[f"s{k}"]))
        if "feedback_invitations" in present:
            answered = {r["invitation_id"] for r in t["feedback_responses"]}
            unit_of = {c["contact_id"]: c["unit_id"] for c in t["contacts"]}
            for inv in t["feedback_invitations"]:
                s.add(
                    "feedback_response_rate",
                    inv["sent_at"][0].date(),
                    unit_of[inv["contact_id"]],
                    int(inv["invitation_id"] in answered),
                )
    cutoff = CUTOFF_LOCAL.replace(tzinfo=HELSINKI).astimezone(UTC)
    for m in t["messages"]:
        received = m["received_at"][0]
        if not (office_day(received.date()) and time(8) <= received.time() < time(16)):
            continue
        reply = m["first_reply_at"]
        if reply is not None and instant(reply) < instant(m["received_at"]):
            continue
        within = 0
        if reply is not None and instant(reply) <= cutoff:
            within = int(
                office_seconds_between(
                    received.replace(microsecond=0), reply[0].replace(microsecond=0)
                )
                <= 3600
            )
        s.add("message_reply_1h", received.date(), m["unit_id"], within)
    for call in t["calls"]:
        day = call["arrived_at"][0].date()
        same = any(
            x is not None and x[0].date() == day for x in (call["answered_at"], call["callback_at"])
        )
        s.add("call_same_day", day, call["unit_id"], int(same))
        s.add(
            "call_abandon_rate",
            day,
            call["unit_id"],
            int(call["abandoned"] == "true" and call["callback_at"] is None),
        )
    for q in t["staff_survey"]:
        if q["respondents"] > 0:
            month = date(int(q["period"][:4]), int(q["period"][5:]), 1)
            s.add(
                "qwl_index",
                month,
                q["unit_id"],
                q["respondents"] * Fraction(q["qwl_index"]),
                q["respondents"],
            )
    out: dict[Key, tuple[Any, Any, Any]] = {}
    for key, (n, d) in s.cells.items():
        if d == 0:
            continue
        ind = key[0]
        if ind.startswith("contacts_"):
            out[key] = (None, None, d)
        elif ind.startswith(("statement", "qwl")):
            out[key] = (
                n if ind.startswith("statement") else float(n),
                d,
                float(n / d) if ind.startswith("qwl") else n / d,
            )
        else:
            out[key] = (n, d, 100 * n / d)
    out.update(_t3(t))
    return out


def _t3(t: Tables) -> dict[Key, tuple[Any, Any, Any]]:
    books: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for slot in t["slot_snapshots"]:
        key = (
            slot["snapshot_date"],
            slot["unit_id"],
            slot["professional_group"],
            slot["professional_id"] or None,
        )
        books[key].append(slot)
    values: dict[Key, list[Any]] = defaultdict(list)
    for (snapshot, unit, group, _pro), rows in books.items():
        counted = sorted(
            (instant(r["slot_start"]), r["slot_start"][0].date())
            for r in rows
            if r["status"] == "free"
            and r["slot_kind"] == "nonurgent"
            and r["slot_start"][0].date() >= snapshot
        )
        for period in periods(snapshot):
            for scope in (unit, ""):
                if len(counted) < 3:
                    values[("t3_not_measurable", period, scope)].append(1)
                    continue
                days = (counted[2][1] - snapshot).days
                values[("t3_days", period, scope)].append(days)
                if group == "doctor":
                    values[("t3_days_doctor", period, scope)].append(days)
    return {
        key: (None, None, len(v) if key[0] == "t3_not_measurable" else median(v))
        for key, v in values.items()
    }
