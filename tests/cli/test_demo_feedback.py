"""The demo's feedback loop: a fake gateway, a kiosk and one visit whose SMS waits to be sent."""

from __future__ import annotations

from pathlib import Path

from tilannekuva.cli.demo_feedback import DEMO_KIOSK, DEMO_PHONE, start_demo_feedback
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.settings import Settings


def test_the_demo_announces_a_visit_whose_invitation_waits_for_the_gateway(
    county_warehouse: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, web_port=8123)
    demo = start_demo_feedback(settings, county_warehouse)
    try:
        assert demo.invited
        assert demo.settings.sms_gateway_url == demo.gateway.url
        lines = "\n".join(demo.lines("http://127.0.0.1:8123/"))
        assert f"{demo.gateway.url}/phone" in lines
        assert f"http://127.0.0.1:8123/kiosk/{DEMO_KIOSK}" in lines
        # the printed export command runs without further settings: it names a provider
        assert "export-national --out export --since " in lines and "--provider demo" in lines
        store = FeedbackStore.open(demo.settings.database_url_text)
        try:
            (message,) = store.outbox(purpose="invitation")
            assert message.status == "pending"  # the web app's worker sends it
            assert message.to_phone == DEMO_PHONE
            assert store.kiosk(DEMO_KIOSK) is not None
            assert store.kiosk(DEMO_KIOSK).unit_id == demo.unit_id  # type: ignore[union-attr]
        finally:
            store.close()
    finally:
        demo.stop()


def test_a_second_run_keeps_its_kiosk_and_invites_a_new_visit(
    county_warehouse: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, web_port=8123)
    for _ in range(2):
        demo = start_demo_feedback(settings, county_warehouse)
        demo.stop()
        assert demo.invited  # a new person each run: the 30-day rule never skips the demo
    store = FeedbackStore.open(settings.database_url_text)
    try:
        assert [kiosk.kiosk_id for kiosk in store.kiosks()] == [DEMO_KIOSK]
        assert len(store.outbox(purpose="invitation")) == 2
    finally:
        store.close()
