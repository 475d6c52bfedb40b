"""The issue's "done means", end to end over real HTTP: visits announced by the patient record
become SMS messages at the (fake) gateway, even after a gateway outage; replies "9" posted by
the gateway to the webhook are in the unit's live NPS within seconds, without a load; the public
page shows the unit once five answers exist; and the answers are in the national export.

The app runs in uvicorn on a socket (the fake gateway must reach its webhook over HTTP), with
its own snapshot store polling the feedback store, exactly as ``tilannekuva serve`` runs it.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from datetime import time as wall_time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.web.browser.harness import LiveServer
from tests.web.clients import SECRET
from tilannekuva.feedback.config import FeedbackConfig, InvitationPolicy
from tilannekuva.feedback.national_export import reexport
from tilannekuva.feedback.sms.fake_gateway import FakeGateway
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig

HELSINKI = ZoneInfo("Europe/Helsinki")

pytestmark = pytest.mark.slow

UNIT = "105-TA1-VO"  # Hyrynsalmen terveysasema, vastaanotto
WEBHOOK_SECRET = "webhook-secret"
EVENTS_TOKEN = "events-token"
GATEWAY_TOKEN = "gateway-token"
PHONES = [f"+35840000{number:04d}" for number in range(5)]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"not within {seconds:.0f} s: {what}")


@pytest.fixture
def running(
    county_warehouse: Path, tmp_path: Path
) -> Iterator[tuple[LiveServer, FakeGateway, str]]:
    gateway = FakeGateway(None, WEBHOOK_SECRET, token=GATEWAY_TOKEN).start()
    database_url = f"sqlite:///{tmp_path / 'operational.sqlite'}"
    feedback = FeedbackConfig(
        phone_key_secret="loop-test-key",
        policy=InvitationPolicy(
            excluded=(), delay_minutes=0, window_start=wall_time(0), window_end=wall_time.max
        ),
        gateway_url=gateway.url,
        gateway_token=GATEWAY_TOKEN,
        webhook_secret=WEBHOOK_SECRET,
        events_token=EVENTS_TOKEN,
    )
    config = WebConfig(
        warehouse=county_warehouse,
        database_url=database_url,
        secret_key=SECRET,
        feedback=feedback,
        live_check_seconds=0.2,
    )
    server = LiveServer(create_app(config)).start()
    gateway.webhook_base_url = server.base_url  # replies and receipts go to the live app
    try:
        yield server, gateway, database_url
    finally:
        server.stop()
        gateway.stop()


def announce(server: LiveServer, number: int, phone: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/v1/events/visits",
        headers={"Authorization": f"Bearer {EVENTS_TOKEN}"},
        json={
            "contact_id": f"loop-contact-{number}",
            "person_id": f"loop-person-{number}",
            "age": 40 + number,
            "unit_id": UNIT,
            "service_area": "reception",
            "contact_type": "R10",
            "ended_at": datetime.now(UTC).isoformat(),
            "phone": phone,
            "language": "fi",
        },
        timeout=10,
    )


def unit_nps_this_month(server: LiveServer) -> dict[str, object] | None:
    month = datetime.now(HELSINKI).strftime("%Y-%m")  # the indicators use local months
    found = httpx.get(
        f"{server.base_url}/api/v1/indicators/nps/values",
        params={"unit": UNIT, "period": "month", "from": month, "to": month},
        timeout=10,
    ).json()["rows"]
    return found[0] if found else None


def test_visits_become_sms_replies_become_live_nps_public_results_and_export(
    running: tuple[LiveServer, FakeGateway, str], tmp_path: Path
) -> None:
    server, gateway, database_url = running

    gateway.outage(True)  # the gateway is down when the visits end
    for number, phone in enumerate(PHONES):
        answer = announce(server, number, phone)
        assert answer.status_code == 202, answer.text
        assert answer.json()["decision"] == "invited"
    time.sleep(1.5)  # the worker has tried by now
    assert gateway.messages == []
    store = FeedbackStore.open(database_url)
    try:
        waiting = store.outbox(purpose="invitation")
        assert len(waiting) == len(PHONES)
        assert all(message.status == "pending" for message in waiting)
        # the gateway comes back; the worker's back-off would wait half a minute, so the
        # test brings the retry forward instead of sleeping through it
        gateway.outage(False)
        store.retry_now()
    finally:
        store.close()
    wait_for(
        lambda: {m.to for m in gateway.messages} == set(PHONES), "every invitation at the gateway"
    )
    assert len(gateway.messages) == len(PHONES)  # the outage lost none and doubled none

    for phone in PHONES[:4]:
        gateway.reply(phone, "9")
    wait_for(
        lambda: (unit_nps_this_month(server) or {}).get("suppressed") is True,
        "four answers in the live NPS, suppressed for the public",
    )
    public_page = httpx.get(f"{server.base_url}/embed/feedback?lang=en", timeout=10).text
    assert "Hyrynsalmen terveysasema, vastaanotto" not in public_page  # fewer than five

    gateway.reply(PHONES[4], "yhdeksän")  # a number word is a score too
    wait_for(
        lambda: (unit_nps_this_month(server) or {}).get("value") == 100.0,
        "the fifth answer makes the unit's NPS public",
    )
    assert (unit_nps_this_month(server) or {}).get("denominator") == 5
    public_page = httpx.get(f"{server.base_url}/embed/feedback?lang=en", timeout=10).text
    assert "Hyrynsalmen terveysasema, vastaanotto" in public_page

    store = FeedbackStore.open(database_url)
    try:
        today = datetime.now(HELSINKI).date()  # the export's days are local days
        delivery = reexport(
            store, tmp_path / "export", since=today, until=today, provider_id="1.2.246.10.0"
        )
    finally:
        store.close()
    (csv_file,) = [path for path in delivery.files if path.suffix == ".csv"]
    with csv_file.open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert [(row["unit_id"], row["channel"], row["nps"]) for row in exported] == [
        (UNIT, "sms", "9")
    ] * 5
