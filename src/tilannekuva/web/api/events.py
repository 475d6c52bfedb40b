"""``POST /api/v1/events/visits``: the patient-record integration announces a finished visit.

The national structure links feedback to the patient record (seed 004 TP1 a): when a visit
ends, the integration tells the feedback service, which applies the county's invitation
policy (``feedback.invitations``) and, if the visit qualifies, queues the invitation SMS for
the daytime window. The answer says which (``invited`` or ``skipped`` with its reason).

Decisions:

- Authentication is a bearer token, ``FeedbackConfig.events_token`` (setting
  ``events_token``), compared in constant time: no token or a wrong one is 401. When no
  token is configured the route answers 404, as if it did not exist: the integration is off,
  and an open door that only says "not configured" would still be a door.
- The token is checked before the body is read, so an unauthenticated caller learns nothing
  about the expected fields.
- The person id is replaced on arrival by its keyed hash (``feedback.pseudonyms``) and never
  stored; the phone number is normalised to E.164 and kept only in the SMS outbox.
- Idempotent: the invitation id is derived from ``contact_id``, so the same event again (a
  retry, a duplicate delivery) answers ``skipped``/``duplicate`` with the same invitation id
  and send time, and queues no second message.
- A database that cannot be reached answers 503 with ``Retry-After``: the integration sends
  the event again, and idempotency makes that safe.
- The unit's name in the message comes from the current load when it knows the unit, else
  from the event's ``unit_name``, else the unit id; a missing ``service_area`` is taken from
  the current load too.
"""

from __future__ import annotations

import hmac
import logging
from datetime import date, datetime
from typing import Literal, Protocol

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.exc import OperationalError

from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.invitations import Decision, Visit, age_on, invite, local_date
from tilannekuva.feedback.phones import normalize_phone
from tilannekuva.feedback.pseudonyms import person_key
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.web.api.schemas import ErrorOut

TAG = "events"
MAX_AGE = 130
RETRY_AFTER_SECONDS = 30

log = logging.getLogger(__name__)

router = APIRouter()


class VisitEvent(BaseModel):
    """A finished visit, as the patient-record integration announces it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    contact_id: str = Field(min_length=1, max_length=128, description="The contact's id.")
    person_id: str = Field(
        min_length=1,
        max_length=200,
        description="The person's id in the patient record; keyed on arrival, never stored.",
    )
    birth_date: date | None = Field(default=None, description="`YYYY-MM-DD`; or give `age`.")
    age: int | None = Field(
        default=None, ge=0, le=MAX_AGE, description="Age in years at the visit; or `birth_date`."
    )
    unit_id: str = Field(min_length=1, max_length=64)
    unit_name: str | None = Field(
        default=None, max_length=200, description="Used when the current load lacks the unit."
    )
    service_area: str | None = Field(default=None, max_length=64)
    contact_type: str | None = Field(default=None, max_length=64, description="Yhteystapa code.")
    ended_at: AwareDatetime = Field(description="ISO 8601 with an offset, e.g. `…T10:30+02:00`.")
    phone: str | None = Field(default=None, max_length=40, description="Any usual spelling.")
    language: Literal["fi", "sv", "en"] = Field(default="fi", description="fi, sv or en.")

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        return normalize_phone(value) if value else None

    @model_validator(mode="after")
    def _age_known(self) -> VisitEvent:
        if self.birth_date is None and self.age is None:
            raise ValueError("give birth_date or age")
        if self.birth_date is not None and self.birth_date > local_date(self.ended_at):
            raise ValueError("birth_date is after the visit")
        return self

    def age_at_visit(self) -> int:
        """From ``birth_date`` when given (the more exact), else ``age``."""
        if self.birth_date is not None:
            return age_on(self.birth_date, local_date(self.ended_at))
        assert self.age is not None
        return self.age


class VisitDecisionOut(BaseModel):
    """What the service did with the visit."""

    decision: Literal["invited", "skipped"]
    reason: str | None = Field(
        description="Why it was skipped: service_area, contact_type, excluded, too_young, "
        "no_phone, opted_out, recently_invited, daily_cap or duplicate; null when invited."
    )
    invitation_id: str | None = Field(
        description="The invitation made, or for `duplicate` the one made earlier."
    )
    send_after: datetime | None = Field(
        description="When the SMS may go out (UTC), moved into the daytime window."
    )


def require_events_token(request: Request) -> None:
    """404 when the events API is off (no token configured), 401 without the right token."""
    config: FeedbackConfig = request.app.state.feedback_config
    if not config.events_token:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), config.events_token.encode()
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


class KnownUnit(Protocol):
    """What the current load says about a unit (``web.snapshot.UnitInfo`` fits)."""

    @property
    def name(self) -> str: ...

    @property
    def service_area(self) -> str: ...


def announced_visit(
    event: VisitEvent, config: FeedbackConfig, unit: KnownUnit | None
) -> tuple[Visit, str | None]:
    """The visit the policy judges, and the unit name for its message.

    The person id is keyed here and goes no further. The unit's name and service area come
    from the current load when it knows the unit, else from the event.
    """
    unit_name = unit.name if unit is not None else event.unit_name
    service_area = event.service_area or (unit.service_area if unit is not None else None)
    visit = Visit(
        contact_id=event.contact_id,
        person_key=person_key(event.person_id, config.phone_key_secret),
        age=event.age_at_visit(),
        unit_id=event.unit_id,
        service_area=service_area,
        contact_type=event.contact_type,
        ended_at=event.ended_at,
        phone=event.phone,
        language=event.language,
    )
    return visit, unit_name


@router.post(
    "/events/visits",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=VisitDecisionOut,
    dependencies=[Depends(require_events_token)],
    responses={
        401: {"model": ErrorOut, "description": "No bearer token, or the wrong one."},
        404: {"model": ErrorOut, "description": "The events API is off (no token set)."},
        503: {"model": ErrorOut, "description": "The store is down: send the event again."},
    },
    tags=[TAG],
    summary="Announce a finished visit",
    description="The patient-record integration announces a finished visit; the county's "
    "invitation policy decides whether it gets a feedback SMS and when (in the daytime "
    "window). Bearer token `events_token`. The same event again gets the same invitation "
    "(`skipped`/`duplicate`) and no second message.",
)
def announce_visit(event: VisitEvent, request: Request) -> VisitDecisionOut:
    config: FeedbackConfig = request.app.state.feedback_config
    unit = request.app.state.snapshots.current().unit(event.unit_id)
    visit, unit_name = announced_visit(event, config, unit)
    store: FeedbackStore = request.app.state.feedback_store
    try:
        decision = invite(
            store, config, request.app.state.questionnaire, visit, unit_name=unit_name
        )
    except OperationalError:
        log.warning("visit %s not handled: the feedback store is unavailable", event.contact_id)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the feedback store is unavailable; send the event again later",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from None
    return decision_out(decision)


def decision_out(decision: Decision) -> VisitDecisionOut:
    return VisitDecisionOut(
        decision=decision.outcome,
        reason=decision.reason,
        invitation_id=decision.invitation_id,
        send_after=decision.send_after,
    )
