"""A starting server stores feedback answers before its numbers are built.

After a restart the county's numbers take seconds to build. A customer's answer must not wait
for them (nor be refused): the form post and the SMS webhook are stored and acknowledged at
once, while a page that shows numbers waits for them and then shows them.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.web.api.test_sms_webhook import AUTH, feedback_config, reply, store_of
from tests.web.api.test_sms_webhook import invite as sms_invite
from tests.web.test_feedback_form import SERVICE, feedback_store, invite
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import Snapshot, SnapshotStore

WAIT = 10.0


class HeldSnapshotStore(SnapshotStore):
    """Builds its first snapshot only when the test lets it."""

    def __init__(self, warehouse: Path) -> None:
        super().__init__(warehouse, check_seconds=3600)
        self.release = threading.Event()

    def _build_or_empty(self) -> Snapshot:
        assert self.release.wait(WAIT), "the test never let the numbers be built"
        return super()._build_or_empty()


@pytest.fixture
def held(county_warehouse: Path) -> Iterator[HeldSnapshotStore]:
    store = HeldSnapshotStore(county_warehouse)
    yield store
    store.release.set()
    store.current()  # wait for the background build: no thread left inside DuckDB at exit


@pytest.fixture
def starting(web_config: WebConfig, held: HeldSnapshotStore) -> Iterator[TestClient]:
    with TestClient(create_app(web_config, snapshots=held)) as client:
        yield client


def test_an_answer_is_stored_while_the_numbers_are_built_and_pages_wait(
    starting: TestClient, held: HeldSnapshotStore, county_snapshot: Snapshot
) -> None:
    unit_id = next(u.unit_id for u in county_snapshot.units if u.service_area == SERVICE)
    store = feedback_store(starting)
    invitation, token = invite(store, unit_id)
    pages: list[httpx.Response] = []
    page_thread = threading.Thread(target=lambda: pages.append(starting.get("/?lang=en")))
    page_thread.start()

    answered = starting.post(f"/f/{token}", data={"nps": "9"}, follow_redirects=False)

    assert answered.status_code == 303
    assert starting.get("/static/tilannekuva.css").status_code == 200  # files never wait
    assert not held.built
    stored = store.answer_for_invitation(invitation.invitation_id)
    assert stored is not None and stored.nps == 9
    page_thread.join(timeout=0.3)
    assert page_thread.is_alive(), "a page with numbers must wait for them"

    held.release.set()
    page_thread.join(timeout=WAIT)
    assert [page.status_code for page in pages] == [200]
    assert held.built


def test_an_sms_reply_is_stored_while_the_numbers_are_built(
    web_config: WebConfig, held: HeldSnapshotStore
) -> None:
    sms_config = dataclasses.replace(web_config, feedback=feedback_config())
    with TestClient(create_app(sms_config, snapshots=held)) as client:
        store = store_of(client)
        invitation = sms_invite(store)

        answered = client.post("/api/v1/sms/inbound", json=reply("9"), headers=AUTH)

        assert answered.status_code == 200
        assert not held.built
        stored = store.answer_for_invitation(invitation.invitation_id)
        assert stored is not None and stored.nps == 9
        held.release.set()  # before the app stops: its board waits for the numbers too
