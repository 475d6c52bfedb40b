"""The demo's feedback service: a fake SMS gateway, a kiosk, and one visit to answer.

``tilannekuva demo`` shows the whole real-time loop on one machine: a visit ends, its
invitation SMS appears on the fake gateway's phone page, a reply "9" from there reaches the
web app's webhook, and within seconds it is in the unit's live NPS. The fake gateway is the
same server the tests use (``feedback/sms/fake_gateway.py``); the web app talks to it through
the same HTTP adapter as to a real provider.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from tilannekuva.feedback.invitations import Visit, invite
from tilannekuva.feedback.pseudonyms import person_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.sms.fake_gateway import FakeGateway
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.settings import Settings
from tilannekuva.warehouse import connect
from tilannekuva.web.config import address, feedback_config_from_settings

HELSINKI = ZoneInfo("Europe/Helsinki")
DEMO_KIOSK = "tk-kiosk-demo"
DEMO_PHONE = "+358401234567"  # the fake gateway's phone page shows whatever it is sent
DEMO_SERVICE = "reception"


@dataclass(frozen=True)
class DemoFeedback:
    """What the demo prints for the user to try."""

    gateway: FakeGateway
    settings: Settings
    unit_id: str
    unit_name: str
    kiosk_id: str
    invited: bool

    def lines(self, app_url: str) -> list[str]:
        base = app_url.rstrip("/")
        today = datetime.now(HELSINKI).date().isoformat()
        invitation = (
            f"A visit to {self.unit_name} just ended: its feedback SMS is on the fake phone at "
            f"{self.gateway.url}/phone — reply 9 there"
            if self.invited
            else f"The fake phone is at {self.gateway.url}/phone"
        )
        return [
            invitation,
            f"  … and see it within seconds in the unit's live results: "
            f"{base}/feedback/units/{self.unit_id} (signed in) and in its NPS: "
            f"{base}/indicators/nps",
            f"Waiting-room kiosk of the same unit: {base}/kiosk/{self.kiosk_id}",
            f"Public feedback results (shown from 5 answers on): {base}/embed/feedback",
            "Today's answers in the national export format: tilannekuva feedback "
            f"export-national --out export --since {today} --until {today} --provider demo",
        ]

    def stop(self) -> None:
        self.gateway.stop()


def start_demo_feedback(settings: Settings, warehouse: Path) -> DemoFeedback:
    """Start the fake gateway, point the settings at it, add a kiosk, announce one visit.

    Invitations go at once (no delay, no night-time pause) so the demo answers right away;
    secrets are made per run.
    """
    app_url = address(settings.web_host, settings.web_port).rstrip("/")
    webhook_secret = secrets.token_urlsafe(24)
    gateway_token = secrets.token_urlsafe(24)
    gateway = FakeGateway(app_url, webhook_secret, token=gateway_token).start()
    demo_settings = settings.model_copy(
        update={
            "sms_gateway_url": gateway.url,
            "sms_gateway_token": SecretStr(gateway_token),
            "sms_webhook_secret": SecretStr(webhook_secret),
            "events_token": settings.events_token or SecretStr(secrets.token_urlsafe(24)),
            "feedback_delay_minutes": 0,
            "feedback_window_start": time(0, 0),
            "feedback_window_end": time.max,
        }
    )
    config = feedback_config_from_settings(demo_settings)
    unit_id, unit_name = _demo_unit(warehouse)
    store = FeedbackStore.open(demo_settings.database_url_text)
    try:
        if store.kiosk(DEMO_KIOSK) is None:
            store.add_kiosk(
                unit_id, f"{unit_name} – odotustila", "fi", DEMO_SERVICE, kiosk_id=DEMO_KIOSK
            )
        visit = Visit(
            contact_id=f"demo-{uuid.uuid4()}",
            person_key=person_key(f"demo-{uuid.uuid4()}", config.phone_key_secret),
            age=45,
            unit_id=unit_id,
            service_area=DEMO_SERVICE,
            contact_type="R10",
            ended_at=datetime.now(UTC),
            phone=DEMO_PHONE,
            language="fi",
        )
        decision = invite(
            store,
            config,
            load_questionnaire(config.questionnaire_file),
            visit,
            unit_name=unit_name,
        )
    finally:
        store.close()
    return DemoFeedback(gateway, demo_settings, unit_id, unit_name, DEMO_KIOSK, decision.invited)


def _demo_unit(warehouse: Path) -> tuple[str, str]:
    """The first reception unit of the loaded county (by name)."""
    connection = connect(warehouse, read_only=True)
    try:
        found = connection.execute(
            "SELECT unit_id, name FROM units WHERE service_area = ? ORDER BY name LIMIT 1",
            [DEMO_SERVICE],
        ).fetchone()
    finally:
        connection.close()
    if found is None:
        raise LookupError("the demo county has no reception unit")
    return str(found[0]), str(found[1])
