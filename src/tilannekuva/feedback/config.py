"""What the feedback service needs to run, as plain values (built from the settings above).

The feedback layer never reads the settings itself (style habit 5); the CLI and the web app
build a :class:`FeedbackConfig` and hand it down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path


@dataclass(frozen=True)
class InvitationPolicy:
    """Which contacts get a feedback invitation, and when it may be sent.

    Empty ``service_areas`` / ``contact_types`` mean all of them. ``excluded`` lists service
    areas, unit ids or contact-type codes that are never asked (sensitive services: a county
    typically excludes mental-health and substance-abuse services). Times are Europe/Helsinki.
    """

    service_areas: tuple[str, ...] = ()
    contact_types: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ("mental",)
    min_age: int = 13  # THL: respondents aged 13 and over (domain.md §5.1)
    min_days_between: int = 30  # at most one invitation per person per N days
    window_start: time = time(9, 0)  # send only within the daytime window …
    window_end: time = time(20, 0)  # … [start, end)
    delay_minutes: int = 60  # after the visit ends
    daily_cap: int = 2000  # invitations made per local day, county-wide
    link_days: int = 7  # how long the web link and an SMS reply stay valid


@dataclass(frozen=True)
class FeedbackConfig:
    """The feedback service's configuration."""

    phone_key_secret: str  # keys phone numbers and live-event person ids (HMAC)
    public_base_url: str = "http://127.0.0.1:8000"  # where links in messages point
    policy: InvitationPolicy = field(default_factory=InvitationPolicy)
    questionnaire_file: Path | None = None  # None: the packaged national questionnaire
    gateway_url: str | None = None  # None: messages wait in the outbox
    gateway_token: str | None = None
    webhook_secret: str | None = None  # shared secret the gateway sends with webhooks
    events_token: str | None = None  # bearer token of the visit-events API; None: API off
    sender: str = "Tilannekuva"  # SMS sender name shown on the phone
    provider_id: str | None = None  # the county's organisation id, for the national export
