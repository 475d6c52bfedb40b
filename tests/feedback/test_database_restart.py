"""The database going away mid-stream (PostgreSQL): no acknowledged answer lost, none doubled.

An answer is acknowledged only after it is committed, so when PostgreSQL drops the connection
(a restart, a failover, an administrator's ``pg_terminate_backend``) the write that was cut
off must raise — the caller must not believe it stored — and the caller's retry of the same
answer must store it exactly once. The web form and the SMS webhook must answer 503 while the
database is unreachable, so that the gateway or the browser sends the answer again, and must
store it once the database is back.

Every test here has its own PostgreSQL database on 127.0.0.1:5432, so terminating "every
connection of the database" reaches only this test's connections, never another test's. The
database is made unreachable with a TCP relay in front of it that can be cut, not by stopping
the machine's PostgreSQL server, which other tests use.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import DBAPIError

from tests.postgres import POSTGRES_DSN as ADMIN_DSN
from tests.postgres import temporary_database
from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.sms.conversation import Conversation
from tilannekuva.feedback.sms.gateway import InboundSms
from tilannekuva.feedback.store import Answer, FeedbackStore, NewInvitation
from tilannekuva.feedback.store.models import InboundRow, ResponseRow
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig

POSTGRES = ("127.0.0.1", 5432)
PHONE_SECRET = "phone-key-secret-for-tests"
WEBHOOK_SECRET = "webhook-secret-for-tests"


@pytest.fixture
def database() -> Iterator[str]:
    """A new PostgreSQL database for this test alone; dropped afterwards."""
    with temporary_database("tilannekuva_test_restart") as name:
        yield name


def url_of(database: str, port: int = 5432) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"


def terminate_connections(database: str) -> int:
    """Drop every connection to ``database`` the way a restarting server does; how many.

    Returns when the server processes have ended, as a restart's shutdown does: the pool then
    sees the dropped connections (see ``_ping_if_disturbed``). A connection cut while a
    request uses it fails that request, which the retries in these tests cover."""
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchone()
    return int(row[0]) if row else 0


def terminate_backend(pid: int) -> None:
    """Drop one connection and wait until PostgreSQL has really ended it."""
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


def answer(key: str, nps: int = 9, own: dict[str, int] | None = None) -> Answer:
    return Answer(
        answer_key=key,
        unit_id="unit-1",
        channel="sms",
        language="fi",
        questionnaire_version="national-1",
        submitted_at=datetime(2026, 3, 10, 10, 0, tzinfo=UTC),
        nps=nps,
        own=own or {},
    )


def stored_rows(store: FeedbackStore) -> tuple[int, int]:
    """(answers stored, distinct answer keys among them)."""
    with store.engine.connect() as connection:
        rows = connection.scalar(select(func.count()).select_from(ResponseRow))
        keys = connection.scalar(select(func.count(func.distinct(ResponseRow.answer_key))))
    return int(rows or 0), int(keys or 0)


class CutOnce:
    """Terminates the connection that is about to run the next matching step, once.

    ``step`` is ``"insert"`` (before the answer's INSERT reaches the database) or ``"commit"``
    (after the INSERT, before COMMIT): either way the answer is not stored, and the caller
    must see an error.
    """

    def __init__(self, store: FeedbackStore, step: str) -> None:
        self.armed = True
        self.step = step
        self._store = store

    def __enter__(self) -> CutOnce:
        if self.step == "insert":
            event.listen(self._store.engine, "before_cursor_execute", self._before_execute)
        else:
            event.listen(self._store.engine, "commit", self._before_commit)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.step == "insert":
            event.remove(self._store.engine, "before_cursor_execute", self._before_execute)
        else:
            event.remove(self._store.engine, "commit", self._before_commit)

    def _cut(self, connection: Any) -> None:
        if self.armed:
            self.armed = False
            terminate_backend(connection.connection.dbapi_connection.info.backend_pid)

    def _before_execute(self, connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO FB_RESPONSES"):
            self._cut(connection)

    def _before_commit(self, connection: Any) -> None:
        self._cut(connection)


# An answer without own statements is one INSERT on its own (no COMMIT to cut before); one
# with own statements is a transaction of several, cut before its INSERT or its COMMIT.
@pytest.mark.parametrize(
    ("step", "own"),
    [("insert", None), ("insert", {"own_phone_reach": 4}), ("commit", {"own_phone_reach": 4})],
)
def test_a_write_whose_connection_is_dropped_raises_and_its_retry_stores_it_once(
    database: str, step: str, own: dict[str, int] | None
) -> None:
    store = FeedbackStore.open(url_of(database))
    try:
        store.record_answer(answer("sms:before"))
        with CutOnce(store, step) as cut, pytest.raises(DBAPIError):
            store.record_answer(answer("sms:cut-off", own=own))
        assert not cut.armed  # the connection really was dropped under the write
        assert store.answer_by_key("sms:cut-off") is None  # not stored: no acknowledgement

        retried = store.record_answer(answer("sms:cut-off", own=own))
        again = store.record_answer(answer("sms:cut-off", own=own))  # a duplicate, later

        assert retried.created and not again.created
        assert again.answer.response_id == retried.answer.response_id
        assert store.record_answer(answer("sms:after")).created
        assert stored_rows(store) == (3, 3)
    finally:
        store.close()


def test_every_connection_dropped_at_once_then_the_store_keeps_working(database: str) -> None:
    store = FeedbackStore.open(url_of(database))
    try:
        for n in range(5):
            store.record_answer(answer(f"sms:first-{n}"))
        assert terminate_connections(database) >= 1  # the pool's idle connection

        # the pool replaces the dropped connection before using it: no error at all
        assert store.record_answer(answer("sms:after-drop")).created
        assert store.answer_by_key("sms:first-0") is not None
        assert stored_rows(store) == (6, 6)
    finally:
        store.close()


@pytest.mark.slow
def test_writers_retrying_through_repeated_drops_lose_and_double_nothing(database: str) -> None:
    """Four writers store answers while every connection of the database is dropped again and
    again: two call the store directly, two go through the SMS webhook's path (the reply, its
    answer and the queued thank-you in one transaction). Each writer retries an answer until
    it is acknowledged. Afterwards the store holds exactly the acknowledged answers, each once,
    and every acknowledged SMS reply once."""
    store = FeedbackStore.open(url_of(database))
    conversation = Conversation(
        store, load_questionnaire(), FeedbackConfig(phone_key_secret=PHONE_SECRET)
    )
    sms_per_writer = 300
    phones = {
        writer: [f"+35850{writer}{n:06d}" for n in range(sms_per_writer)] for writer in (2, 3)
    }
    for numbers in phones.values():
        for phone in numbers:
            invite(store, "sms", phone)
    acknowledged: set[str] = set()
    failures: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()  # the drops have hit writes often enough: stop writing
    per_writer_limit = 5000  # a bound: the test fails rather than runs forever

    def until_acknowledged(key: str, write: Callable[[], object]) -> None:
        while True:
            try:
                write()
            except DBAPIError as error:
                with lock:
                    failures.append(type(error.orig).__name__)
                continue
            with lock:
                acknowledged.add(key)
            return

    def write_answers(writer: int) -> None:
        for n in range(per_writer_limit):
            key = f"kiosk:writer-{writer}:{n}"
            until_acknowledged(key, partial(store.record_answer, answer(key, nps=n % 11)))
            if enough.is_set():
                return

    def write_replies(writer: int) -> None:
        for n, phone in enumerate(phones[writer]):
            reply = InboundSms(f"gw-{writer}-{n}", phone, str(n % 11), datetime.now(UTC))
            until_acknowledged(
                f"sms:{reply.provider_message_id}", partial(conversation.receive, reply)
            )

    def drop_repeatedly() -> None:
        drops = 0
        while not enough.is_set():
            drops += terminate_connections(database) > 0
            with lock:
                if drops >= 20 and len(failures) >= 5:
                    enough.set()
            time.sleep(0.02)

    try:
        writers = [
            threading.Thread(target=write_answers if w < 2 else write_replies, args=(w,))
            for w in range(4)
        ]
        dropper = threading.Thread(target=drop_repeatedly)
        for thread in (*writers, dropper):
            thread.start()
        for thread in writers:
            thread.join(timeout=300)
        enough.set()
        dropper.join(timeout=30)
        while conversation.process_stored():  # replies stored alone when acting on them failed
            pass

        assert len(failures) >= 5, "the drops never cut off a write: nothing was tested"
        rows, keys = stored_rows(store)
        assert rows == keys == len(acknowledged)
        for key in acknowledged:
            assert store.answer_by_key(key) is not None
        with store.engine.connect() as connection:
            replies = connection.scalar(select(func.count()).select_from(InboundRow))
            answered = connection.execute(
                select(ResponseRow.invitation_id)
                .where(ResponseRow.invitation_id.is_not(None))
                .group_by(ResponseRow.invitation_id)
                .having(func.count() > 1)
            ).all()
        assert replies == 2 * sms_per_writer  # every reply stored once
        assert answered == []  # no invitation answered twice
    finally:
        enough.set()
        store.close()


class SwitchableRelay:
    """A TCP relay to PostgreSQL that can be cut: while down it ends every relayed connection
    and closes each new one at once, as an unreachable database server looks to a client."""

    def __init__(self, target: tuple[str, int] = POSTGRES) -> None:
        self.target = target
        self.up = True
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def down(self) -> None:
        self.up = False
        with self._lock:
            ends, self._open = self._open, set()
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self._closed = True
        self.down()
        self._thread.join(timeout=5)
        self._listener.close()


@pytest.fixture
def relay() -> Iterator[SwitchableRelay]:
    opened = SwitchableRelay()
    yield opened
    opened.close()


def invite(store: FeedbackStore, channel: str, phone: str | None = None) -> tuple[str, str]:
    """An open invitation (SMS: sent to ``phone``); its id and web-link token."""
    now = datetime.now(UTC)
    invitation, token = store.record_invitation(
        NewInvitation(
            contact_id=f"contact-{uuid.uuid4().hex[:8]}",
            unit_id="unit-1",
            person_key="person-1",
            channel=channel,
            language="en",
            questionnaire_version=load_questionnaire().version,
            send_after=now - timedelta(minutes=10),
            valid_for=timedelta(days=7),
            service_area="reception",
            phone_key=phone_key(PHONE_SECRET, phone) if phone else None,
        )
    )
    if phone:
        store.mark_invitation_sent(invitation.invitation_id, now - timedelta(minutes=5))
    return invitation.invitation_id, token


@pytest.fixture
def app_behind_relay(
    database: str, relay: SwitchableRelay, tmp_path: Path
) -> Iterator[tuple[TestClient, FeedbackStore]]:
    """The web app over the relayed database (a client that reports 5xx answers rather than
    raising), and a store on the database directly, to look at what was stored."""
    config = WebConfig(
        warehouse=tmp_path / "no-warehouse.duckdb",
        database_url=url_of(database, relay.port),
        secret_key="test-secret-key-not-for-production",
        feedback=FeedbackConfig(phone_key_secret=PHONE_SECRET, webhook_secret=WEBHOOK_SECRET),
    )
    direct = FeedbackStore.open(url_of(database))
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        yield client, direct
    direct.close()


def sms_reply(message_id: str, phone: str, text: str) -> dict[str, str]:
    return {
        "message_id": message_id,
        "from": phone,
        "to": "+358401000000",
        "text": text,
        "received_at": datetime.now(UTC).isoformat(),
    }


WEBHOOK = "/api/v1/sms/inbound"
BEARER = {"Authorization": f"Bearer {WEBHOOK_SECRET}"}


def test_the_sms_webhook_answers_503_while_the_database_is_away_and_stores_the_retry(
    app_behind_relay: tuple[TestClient, FeedbackStore], relay: SwitchableRelay
) -> None:
    client, direct = app_behind_relay
    phone = "+358501234567"
    invitation_id, _ = invite(direct, "sms", phone)
    reply = sms_reply("gw-1", phone, "9")

    relay.down()
    refused = client.post(WEBHOOK, json=reply, headers=BEARER)
    assert refused.status_code == 503  # not 200: the gateway must deliver it again
    assert direct.answer_by_key("sms:gw-1") is None

    relay.restore()
    delivered = client.post(WEBHOOK, json=reply, headers=BEARER)
    again = client.post(WEBHOOK, json=reply, headers=BEARER)  # the gateway's duplicate

    assert delivered.status_code == 200 and again.status_code == 200
    stored = direct.answer_by_key("sms:gw-1")
    assert stored is not None and stored.nps == 9 and stored.invitation_id == invitation_id
    assert stored_rows(direct) == (1, 1)


def test_the_form_answers_503_while_the_database_is_away_and_stores_the_resubmission(
    app_behind_relay: tuple[TestClient, FeedbackStore], relay: SwitchableRelay
) -> None:
    client, direct = app_behind_relay
    invitation_id, token = invite(direct, "web_link")
    form = {"nps": "8", "s1": "4", "s2": "5", "comment": "Quick and friendly."}

    relay.down()
    refused = client.post(f"/f/{token}", data=form, follow_redirects=False)
    assert refused.status_code == 503  # the browser shows an error, not a thank-you
    assert direct.answer_for_invitation(invitation_id) is None

    relay.restore()
    saved = client.post(f"/f/{token}", data=form, follow_redirects=False)
    again = client.post(f"/f/{token}", data=form, follow_redirects=False)  # a double tap

    assert saved.status_code == 303
    assert again.status_code == 200  # the thank-you page: nothing new stored
    stored = direct.answer_for_invitation(invitation_id)
    assert stored is not None and stored.nps == 8 and stored.statements["s1"] == 4
    assert stored_rows(direct) == (1, 1)


def test_the_store_behind_a_cut_relay_raises_and_works_again_when_restored(
    database: str, relay: SwitchableRelay
) -> None:
    store = FeedbackStore.open(url_of(database, relay.port))
    try:
        store.record_answer(answer("sms:before"))
        relay.down()
        with pytest.raises(DBAPIError):
            store.record_answer(answer("sms:while-down"))
        relay.restore()
        assert store.record_answer(answer("sms:while-down")).created
        assert stored_rows(store) == (2, 2)
    finally:
        store.close()
