"""The feedback benchmark's databases: a fresh one per run, invitations to answer, the count.

Each run gets an empty store (an SQLite file, or a PostgreSQL database with a unique name on
127.0.0.1:5432 that is dropped afterwards), so every count at the end belongs to that run.
The invitations are made through :class:`FeedbackStore`, as the invitation service makes
them: ``record_invitation`` hands out the web link's one-time token, and for SMS the
invitation carries the keyed hash of a distinct fake number and is marked sent, so a reply
from that number finds it.

The count is the benchmark's verdict: every answer a client saw acknowledged must be stored
exactly once, with the score the client sent, and nothing may be stored that no client sent.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql
from sqlalchemy import func, select

from benchmarks.feedback_load import Item
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.store import FeedbackStore, NewInvitation
from tilannekuva.feedback.store.models import InboundRow, ResponseRow

POSTGRES_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
# without a warehouse: units nobody knows (the answers are stored, not shown live)
PLAIN_UNITS = tuple((f"bench-unit-{n:02d}", "reception") for n in range(20))
SERVICE_NUMBER = "+358401000000"  # the county's number the replies are sent to
PROCESSING_WAIT_S = 60.0  # for replies the server stored but has not yet turned into answers


@contextmanager
def temporary_database(kind: str, folder: Path) -> Iterator[str]:
    """The SQLAlchemy URL of an empty database, removed when the block ends."""
    name = f"tilannekuva_bench_{uuid.uuid4().hex[:12]}"
    if kind == "sqlite":
        path = folder / f"{name}.sqlite"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in folder.glob(f"{name}.sqlite*"):
                leftover.unlink()
        return
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def postgres_sessions(url: str) -> int | None:
    """How many connections PostgreSQL has opened to the database of ``url`` (its
    ``pg_stat_database.sessions``); None for SQLite. A pool that keeps too few connections
    closes and reopens them under load, and every new connection is a new server process."""
    if not url.startswith("postgresql"):
        return None
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        admin.execute("SELECT pg_stat_clear_snapshot()")
        row = admin.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", (name,)
        ).fetchone()
    return int(row[0]) if row else None


@dataclass(frozen=True)
class Expected:
    """What the server should store for one answer key."""

    key: str
    nps: int
    invitation_id: str
    message_id: str | None = None  # SMS only


def _scores(number: int, statements: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """A deterministic, varied answer: NPS 0–10 and statements 0–5."""
    return number % 11, {key: (number + i) % 6 for i, key in enumerate(statements)}


def seed(
    url: str,
    channel: str,
    count: int,
    *,
    units: Sequence[tuple[str, str | None]],
    phone_secret: str,
    webhook_secret: str,
) -> tuple[list[Item], dict[str, Expected]]:
    """Make ``count`` invitations in the store at ``url`` to visits of ``units`` (unit id,
    service area), in turn; the answers to send to them.

    PostgreSQL takes the invitations from several threads at once (it has no single writer);
    SQLite queues its writers anyway, so one thread makes them there.
    """
    questionnaire = load_questionnaire()
    asked = {area: tuple(s.key for s in questionnaire.statements_for(area)) for _, area in units}
    store = FeedbackStore.open(url)
    now = store.now()
    run = uuid.uuid4().hex[:8]

    def one(number: int) -> tuple[Item, Expected]:
        phone = f"+35850{number:07d}"
        unit_id, service_area = units[number % len(units)]
        invitation, token = store.record_invitation(
            NewInvitation(
                contact_id=f"bench-contact-{run}-{number}",
                unit_id=unit_id,
                person_key=f"bench-person-{run}-{number}",
                channel="sms" if channel == "sms" else "web_link",
                language=("fi", "sv", "en")[number % 3],
                questionnaire_version=questionnaire.version,
                send_after=now - timedelta(minutes=5),
                valid_for=timedelta(days=7),
                service_area=service_area,
                phone_key=phone_key(phone_secret, phone) if channel == "sms" else None,
            )
        )
        nps, scores = _scores(number, asked[service_area])
        if channel == "web":
            body = urlencode({"nps": nps, **scores, "comment": f"Benchmark answer {number}."})
            key = f"web:{invitation.invitation_id}"
            item = Item(key, f"/f/{token}", "application/x-www-form-urlencoded", body)
            return item, Expected(key, nps, invitation.invitation_id)
        store.mark_invitation_sent(invitation.invitation_id, now - timedelta(minutes=4))
        message_id = f"bench-{run}-{number}"
        body = json.dumps(
            {
                "message_id": message_id,
                "from": phone,
                "to": SERVICE_NUMBER,
                "text": str(nps),
                "received_at": datetime.now(UTC).isoformat(),
            }
        )
        key = f"sms:{message_id}"
        item = Item(
            key, "/api/v1/sms/inbound", "application/json", body, f"Bearer {webhook_secret}"
        )
        return item, Expected(key, nps, invitation.invitation_id, message_id)

    try:
        threads = 4 if store.dialect == "postgresql" else 1
        with ThreadPoolExecutor(threads) as pool:
            made = list(pool.map(one, range(count)))
    finally:
        store.close()
    return [item for item, _ in made], {expected.key: expected for _, expected in made}


@dataclass(frozen=True)
class Count:
    """The store's content against what the clients were told."""

    acknowledged: int  # distinct keys the clients saw acknowledged
    stored: int  # answers (responses) in the store
    lost: int  # acknowledged, not stored
    duplicated: int  # extra rows: same key, same invitation or same SMS more than once
    unexpected: int  # stored though no client sent it
    wrong: int  # stored with another score than the one sent
    stored_unacknowledged: int  # sent, stored, never acknowledged (given up by the client)
    inbound: int | None = None  # SMS: replies stored by the webhook
    unprocessed: int | None = None  # SMS: replies stored but not turned into answers in time

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.wrong)


def count(url: str, channel: str, acknowledged: set[str], expected: dict[str, Expected]) -> Count:
    """Count the store's rows against ``acknowledged`` (answer keys)."""
    store = FeedbackStore.open(url)
    try:
        with store.engine.connect() as connection:
            inbound = unprocessed = None
            if channel == "sms":
                deadline = time.monotonic() + PROCESSING_WAIT_S
                while True:
                    unprocessed = connection.scalar(
                        select(func.count())
                        .select_from(InboundRow)
                        .where(InboundRow.processed_at.is_(None))
                    )
                    if not unprocessed or time.monotonic() > deadline:
                        break
                    connection.rollback()
                    time.sleep(0.5)
                inbound_ids = list(connection.scalars(select(InboundRow.provider_message_id)))
                inbound = len(inbound_ids)
            rows = connection.execute(
                select(ResponseRow.answer_key, ResponseRow.invitation_id, ResponseRow.nps)
            ).all()
    finally:
        store.close()
    keys = [row.answer_key for row in rows]
    stored_keys = set(keys)
    per_invitation: dict[str | None, int] = {}
    for row in rows:
        per_invitation[row.invitation_id] = per_invitation.get(row.invitation_id, 0) + 1
    duplicated = (len(keys) - len(stored_keys)) + sum(
        n - 1 for invitation, n in per_invitation.items() if invitation is not None and n > 1
    )
    if channel == "sms":
        duplicated += len(inbound_ids) - len(set(inbound_ids))
        sent_ids = {e.message_id for e in expected.values()}
        unexpected_inbound = len(set(inbound_ids) - sent_ids)
    else:
        unexpected_inbound = 0
    wrong = sum(
        1 for row in rows if row.answer_key in expected and expected[row.answer_key].nps != row.nps
    )
    return Count(
        acknowledged=len(acknowledged),
        stored=len(rows),
        lost=len(acknowledged - stored_keys),
        duplicated=duplicated,
        unexpected=len(stored_keys - expected.keys()) + unexpected_inbound,
        wrong=wrong,
        stored_unacknowledged=len(stored_keys - acknowledged),
        inbound=inbound,
        unprocessed=unprocessed,
    )
