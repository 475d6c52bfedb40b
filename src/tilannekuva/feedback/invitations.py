"""The invitation policy: which finished visits get a feedback SMS, and when it may be sent.

A county asks about some services and not others, never asks children under 13 (THL's
national feedback is for respondents aged 13 and over, domain.md §5.1), never asks about
sensitive services, asks one person at most once per N days, honours opt-outs, sends only in
the daytime and at most so many messages a day (issue 4, "the county's side").

:func:`decide` is the policy as a pure function of the visit, the policy and the facts the
store knows (:class:`InvitationFacts`), so every rule is tested without a database.
:func:`invite` gathers those facts, records the invitation and puts the message in the SMS
outbox. The checks run in this order and the first that fails names the skip:

1. ``duplicate`` — the contact already has an invitation (an announcement repeated by the
   integration, or a retry); the answer names that invitation.
2. ``service_area`` / ``contact_type`` — the policy asks only some services or contact types
   (an empty list means all).
3. ``excluded`` — the service area, unit or contact type is on the exclusion list.
4. ``too_young`` — younger than ``min_age`` on the visit's date.
5. ``no_phone`` — no number to send to.
6. ``opted_out`` — the number asked for no more feedback messages.
7. ``recently_invited`` — the person was invited less than ``min_days_between`` days ago
   (counted from their last invitation's creation).
8. ``daily_cap`` — ``daily_cap`` invitations were already made on this Europe/Helsinki day
   (the day the invitation is created, not the day it is sent). Concurrent announcements
   each read the count first, so the cap can be overshot by the number of announcements in
   flight at the same moment; it is a throttle, not an accounting limit.

Send time: the visit's end plus ``delay_minutes`` — or now, when the announcement arrives
later than that — moved into the daytime window ``[window_start, window_end)`` on the
Europe/Helsinki wall clock: before the window it moves to the window's start that day, at or
after the window's end to the next day's start (a window whose start is after its end runs
across midnight, as the outbox worker allows). The window is wall-clock time, so across a
daylight-saving change the same window is an hour earlier or later in UTC. Finland changes
its clocks at 03:00/04:00 local time, outside any daytime window; should a window boundary
ever be set inside the change, a boundary in the spring gap (a wall time that does not
exist) falls one hour later on the wall clock, and a boundary in the autumn fold (a wall time
that occurs twice) is its first, summer-time occurrence, as for naive times in extract-v1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from tilannekuva.feedback.config import FeedbackConfig, InvitationPolicy
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.pseudonyms import invitation_id_for_contact
from tilannekuva.feedback.questionnaire import Questionnaire
from tilannekuva.feedback.store import FeedbackStore, Invitation, NewInvitation

LOCAL_ZONE = ZoneInfo("Europe/Helsinki")
CHANNEL = "sms"
SkipReason = Literal[
    "duplicate",
    "service_area",
    "contact_type",
    "excluded",
    "too_young",
    "no_phone",
    "opted_out",
    "recently_invited",
    "daily_cap",
]
SKIP_REASONS: tuple[SkipReason, ...] = get_args(SkipReason)


@dataclass(frozen=True)
class Visit:
    """A finished visit, as the invitation policy sees it.

    ``person_key`` is already a pseudonym (the warehouse's, or :func:`pseudonyms.person_key`
    of a live event); ``age`` is the person's age in whole years on the visit's date;
    ``ended_at`` is aware; ``phone`` is E.164 (``+358…``) or None.
    """

    contact_id: str
    person_key: str
    age: int
    unit_id: str
    service_area: str | None
    contact_type: str | None
    ended_at: datetime
    phone: str | None
    language: str


@dataclass(frozen=True)
class InvitationFacts:
    """What the store knows that the rules need, read just before deciding."""

    now: datetime
    existing: Invitation | None = None  # the contact's invitation, if it has one
    last_invited_at: datetime | None = None  # the person's newest invitation
    opted_out: bool = False
    invitations_today: int = 0  # made on now's Europe/Helsinki day


@dataclass(frozen=True)
class Decision:
    """Invite (``reason`` None, with the send time) or skip (with the reason code).

    A ``duplicate`` names the invitation made earlier and its send time.
    """

    reason: SkipReason | None = None
    send_after: datetime | None = None
    invitation_id: str | None = None

    @property
    def invited(self) -> bool:
        return self.reason is None

    @property
    def outcome(self) -> Literal["invited", "skipped"]:
        return "invited" if self.invited else "skipped"


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day``.

    Someone born on 29 February has their birthday on 28 February in other years (the
    Finnish rule for a date missing from a month, act 150/1930 on reckoning time limits).
    """
    birthday = (birth_date.month, birth_date.day)
    if birthday == (2, 29) and not _leap(day.year):
        birthday = (2, 28)
    before_birthday = (day.month, day.day) < birthday
    return day.year - birth_date.year - (1 if before_birthday else 0)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def local_date(moment: datetime) -> date:
    """The Europe/Helsinki calendar date of an aware instant."""
    return moment.astimezone(LOCAL_ZONE).date()


def local_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of the Europe/Helsinki day ``moment`` falls on (23–25 hours)."""
    day = local_date(moment)
    return _local_instant(day, time(0)), _local_instant(day + timedelta(days=1), time(0))


def _local_instant(day: date, wall: time) -> datetime:
    """The UTC instant of a Helsinki wall-clock time (gap: an hour later; fold: the first)."""
    return datetime.combine(day, wall, tzinfo=LOCAL_ZONE).astimezone(UTC)


def in_window(wall: time, start: time, end: time) -> bool:
    """Whether a wall-clock time is in ``[start, end)``; a window may run across midnight."""
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def into_window(moment: datetime, start: time, end: time) -> datetime:
    """The first instant at or after ``moment`` whose Helsinki wall time is in [start, end).

    A window with ``start`` after ``end`` runs across midnight (as the outbox worker's does).
    """
    if start == end:
        raise ValueError(f"the sending window {start}–{end} is empty")
    local = moment.astimezone(LOCAL_ZONE)
    wall = local.time()
    if in_window(wall, start, end):
        return moment.astimezone(UTC)
    # Outside: the next start is today when it is still ahead, else tomorrow.
    day = local.date() if wall < start else local.date() + timedelta(days=1)
    return _local_instant(day, start)


def send_time(ended_at: datetime, now: datetime, policy: InvitationPolicy) -> datetime:
    """When the invitation may be sent: visit end + delay (not before now), in the window."""
    earliest = max(ended_at + timedelta(minutes=policy.delay_minutes), now)
    return into_window(earliest, policy.window_start, policy.window_end)


def decide(visit: Visit, policy: InvitationPolicy, facts: InvitationFacts) -> Decision:
    """Apply the policy to one visit (pure: the facts are read by the caller)."""
    if visit.ended_at.tzinfo is None or facts.now.tzinfo is None:
        raise ValueError("visit end and now must be aware datetimes")
    if facts.existing is not None:
        return Decision("duplicate", facts.existing.send_after, facts.existing.invitation_id)
    reason = _policy_skip(visit, policy) or _person_skip(visit, policy, facts)
    if reason is not None:
        return Decision(reason)
    return Decision(send_after=send_time(visit.ended_at, facts.now, policy))


def _policy_skip(visit: Visit, policy: InvitationPolicy) -> SkipReason | None:
    """The rules about the service, decided by the visit alone."""
    if policy.service_areas and visit.service_area not in policy.service_areas:
        return "service_area"
    if policy.contact_types and visit.contact_type not in policy.contact_types:
        return "contact_type"
    named = {visit.service_area, visit.unit_id, visit.contact_type} - {None}
    if named & set(policy.excluded):
        return "excluded"
    if visit.age < policy.min_age:
        return "too_young"
    return None


def _person_skip(
    visit: Visit, policy: InvitationPolicy, facts: InvitationFacts
) -> SkipReason | None:
    """The rules about the person and the day, decided by the facts."""
    if not visit.phone:
        return "no_phone"
    if facts.opted_out:
        return "opted_out"
    if facts.last_invited_at is not None and facts.now - facts.last_invited_at < timedelta(
        days=policy.min_days_between
    ):
        return "recently_invited"
    if facts.invitations_today >= policy.daily_cap:
        return "daily_cap"
    return None


def invitation_text(questionnaire: Questionnaire, language: str, unit: str, days: int) -> str:
    """The invitation SMS in the visit's language (Finnish for a language we do not have)."""
    template = questionnaire.text(questionnaire.sms.invitation, language)
    return template.format(unit=unit, days=days)


def gather_facts(
    store: FeedbackStore, visit: Visit, invitation_id: str, key: str | None
) -> InvitationFacts:
    """Read what :func:`decide` needs, at the store's clock.

    The contact's own invitation is read last: an announcement racing another of the same
    contact then sees that invitation whenever it sees its effects (the person's newest
    invitation, the day's count), and answers ``duplicate`` rather than, say,
    ``recently_invited``.
    """
    now = store.now()
    start, end = local_day_bounds(now)
    last_invited_at = store.last_invited_at(visit.person_key)
    opted_out = key is not None and store.is_opted_out(key)
    invitations_today = store.invitations_created_between(start, end)
    return InvitationFacts(
        now=now,
        last_invited_at=last_invited_at,
        opted_out=opted_out,
        invitations_today=invitations_today,
        existing=store.invitation(invitation_id),
    )


def invite(
    store: FeedbackStore,
    config: FeedbackConfig,
    questionnaire: Questionnaire,
    visit: Visit,
    *,
    unit_name: str | None = None,
) -> Decision:
    """Decide about one visit; when invited, record the invitation and queue its SMS.

    The invitation id is derived from the contact id (:func:`invitation_id_for_contact`), so
    a repeated announcement — even one racing the first in another process — finds the same
    invitation and answers ``duplicate``. The SMS is queued with the dedupe key
    ``invitation:<id>``; a repeated announcement queues it again, which the outbox ignores
    when the message is already there and which completes the work when the first attempt
    stopped between recording the invitation and queueing its message. ``unit_name`` is the
    unit's name for the message; the unit id stands in when it is not known.
    """
    policy = config.policy
    invitation_id = invitation_id_for_contact(visit.contact_id, config.phone_key_secret)
    key = phone_key(config.phone_key_secret, visit.phone) if visit.phone else None
    facts = gather_facts(store, visit, invitation_id, key)
    decision = decide(visit, policy, facts)
    if decision.invited:
        assert decision.send_after is not None
        try:
            invitation, _token = store.record_invitation(
                NewInvitation(
                    contact_id=visit.contact_id,
                    unit_id=visit.unit_id,
                    person_key=visit.person_key,
                    channel=CHANNEL,
                    language=visit.language,
                    questionnaire_version=questionnaire.version,
                    send_after=decision.send_after,
                    valid_for=timedelta(days=policy.link_days),
                    service_area=visit.service_area,
                    phone_key=key,
                    invitation_id=invitation_id,
                )
            )
        except IntegrityError:  # another process recorded the same contact a moment ago
            existing = store.invitation(invitation_id)
            if existing is None:
                raise
            return Decision("duplicate", existing.send_after, existing.invitation_id)
        decision = Decision(send_after=invitation.send_after, invitation_id=invitation_id)
        _queue_sms(store, invitation, visit.phone, questionnaire, unit_name, policy.link_days)
    elif facts.existing is not None and _needs_its_sms(facts.existing, key, facts):
        _queue_sms(store, facts.existing, visit.phone, questionnaire, unit_name, policy.link_days)
    return decision


def _needs_its_sms(existing: Invitation, key: str | None, facts: InvitationFacts) -> bool:
    """Whether a repeated announcement should (re)queue the invitation's SMS: one not yet
    sent nor expired, to the same number, which has not opted out since."""
    return (
        existing.channel == CHANNEL
        and existing.sent_at is None
        and not existing.expired(facts.now)
        and key is not None
        and key == existing.phone_key
        and not facts.opted_out
    )


def _queue_sms(
    store: FeedbackStore,
    invitation: Invitation,
    phone: str | None,
    questionnaire: Questionnaire,
    unit_name: str | None,
    days: int,
) -> None:
    if phone is None:
        return
    unit = unit_name or invitation.unit_id
    body = invitation_text(questionnaire, invitation.language, unit, days)
    store.enqueue_sms(
        phone,
        body,
        dedupe_key=f"invitation:{invitation.invitation_id}",
        purpose="invitation",
        invitation_id=invitation.invitation_id,
        not_before=invitation.send_after,
        phone_key=invitation.phone_key,
    )
