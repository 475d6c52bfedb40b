"""``POST /api/v1/board/events``: source systems send live events to the control board."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from tilannekuva.board.store import BoardStore
from tilannekuva.warehouse.operational import operational_engine
from tilannekuva.web.api.board_events import board_store
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import SnapshotStore

ROUTE = "/api/v1/board/events"
DAY_START = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)  # 2 March in Helsinki
DAY_END = DAY_START + timedelta(days=1)


@pytest.fixture
def api(web_config: WebConfig, county_snapshots: SnapshotStore) -> Iterator[TestClient]:
    with TestClient(create_app(web_config, snapshots=county_snapshots)) as client:
        yield client


def store_of(client: TestClient) -> BoardStore:
    return board_store(client.app)  # type: ignore[arg-type]


@pytest.fixture
def auth(api: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {store_of(api).add_source('pbx')}"}


def call(source_id: str, minute: int = 0, kind: str = "queued", **more: Any) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "type": f"call.{kind}",
        "occurred_at": f"2026-03-02T08:{minute:02}:00+02:00",
        "unit_id": "U1",
        "call_id": f"c-{source_id}",
        **more,
    }


def stored_ids(client: TestClient) -> list[str]:
    return [e.source_id for e in store_of(client).events_for(["U1"], DAY_START, DAY_END)]


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer tkb_wrong"},
        {"Authorization": "Basic x"},
        {"Authorization": ""},
    ],
)
def test_a_caller_without_a_source_token_is_refused(
    api: TestClient, auth: dict[str, str], headers: dict[str, str]
) -> None:
    answer = api.post(ROUTE, json={"events": [call("e1")]}, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert stored_ids(api) == []


def test_the_token_is_checked_before_the_body(api: TestClient) -> None:
    assert api.post(ROUTE, content=b"not json at all").status_code == 401


def test_a_revoked_source_is_refused_at_once(api: TestClient, auth: dict[str, str]) -> None:
    assert api.post(ROUTE, json={"events": [call("e1")]}, headers=auth).status_code == 200
    store_of(api).revoke_source("pbx")
    assert api.post(ROUTE, json={"events": [call("e2")]}, headers=auth).status_code == 401
    assert stored_ids(api) == ["e1"]


# --- storing ---------------------------------------------------------------------------------


def test_events_are_stored_and_a_resend_answers_duplicate(
    api: TestClient, auth: dict[str, str]
) -> None:
    first = api.post(ROUTE, json={"events": [call("e2", 5), call("e1", 1)]}, headers=auth)
    assert first.status_code == 200
    assert first.json() == {
        "results": [
            {"source_id": "e2", "status": "stored"},
            {"source_id": "e1", "status": "stored"},
        ]
    }
    again = api.post(ROUTE, json={"events": [call("e1", 1), call("e3", 3)]}, headers=auth)
    assert again.json()["results"] == [
        {"source_id": "e1", "status": "duplicate"},
        {"source_id": "e3", "status": "stored"},
    ]
    assert stored_ids(api) == ["e1", "e3", "e2"]  # by when they happened
    (source,) = store_of(api).sources()
    assert (source.name, source.events) == ("pbx", 3)


def test_a_full_batch_of_a_thousand_is_accepted_and_one_more_is_not(
    api: TestClient, auth: dict[str, str]
) -> None:
    batch = [call(f"e{n:04}", n % 60) for n in range(1000)]
    answer = api.post(ROUTE, json={"events": batch}, headers=auth)
    assert answer.status_code == 200
    assert len(answer.json()["results"]) == 1000
    too_many = api.post(ROUTE, json={"events": [*batch, call("e1000")]}, headers=auth)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "events"
    assert too_many.json()["errors"][0]["index"] is None


def test_an_empty_batch_is_fine(api: TestClient, auth: dict[str, str]) -> None:
    assert api.post(ROUTE, json={"events": []}, headers=auth).json() == {"results": []}


# --- invalid batches -------------------------------------------------------------------------


def test_one_invalid_event_rejects_the_batch_and_every_fault_is_listed(
    api: TestClient, auth: dict[str, str]
) -> None:
    batch = [
        call("ok-1"),
        call("bad-time", occurred_at="2026-03-02T08:00:00"),
        call("ok-2"),
        call("bad-person", person_id="131052-308T"),
        {**call("bad-type"), "type": "call.transferred"},
        call("bad-id", call_id="hetu 010101-123A"),
    ]
    answer = api.post(ROUTE, json={"events": batch}, headers=auth)
    assert answer.status_code == 422
    found = answer.json()
    assert found["detail"] == "4 invalid event(s); nothing was stored"
    assert [(e["index"], e["source_id"], e["field"], e["error"]) for e in found["errors"]] == [
        (1, "bad-time", "occurred_at", "timezone_aware"),
        (3, "bad-person", "person_id", "extra_forbidden"),
        (4, "bad-type", "type", "union_tag_invalid"),
        (5, "bad-id", "call_id", "value_error"),
    ]
    assert "131052-308T" not in answer.text and "010101-123A" not in answer.text
    assert stored_ids(api) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [(b"{not json", None), (b'{"evts": []}', "events"), (b'{"events": {}}', "events")],
)
def test_a_body_that_is_no_batch_is_422(
    api: TestClient, auth: dict[str, str], body: bytes, field: str | None
) -> None:
    answer = api.post(ROUTE, content=body, headers=auth)
    assert answer.status_code == 422
    assert answer.json()["detail"] == "the body is not a valid batch; nothing was stored"
    assert answer.json()["errors"][0]["field"] == field


def test_a_body_too_large_is_413(api: TestClient, auth: dict[str, str]) -> None:
    answer = api.post(ROUTE, content=b" " * (4 * 1024 * 1024 + 1), headers=auth)
    assert answer.status_code == 413


# --- the database down, the board service told -----------------------------------------------


def test_a_database_that_cannot_be_reached_is_503_with_retry_after(
    api: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_of(api)

    def down(*_args: object) -> None:
        raise OperationalError("INSERT …", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(store, "record_events", down)
    answer = api.post(ROUTE, json={"events": [call("e1")]}, headers=auth)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "10"
    assert "nothing was stored" in answer.json()["detail"]


def test_a_store_down_before_the_token_is_checked_is_503_not_401(api: TestClient) -> None:
    dead = operational_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1")
    api.app.state.board = FakeBoardService(BoardStore(dead))  # type: ignore[attr-defined]
    answer = api.post(ROUTE, json={"events": [call("e1")]}, headers={"Authorization": "Bearer x"})
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "10"
    dead.dispose()


@dataclass
class FakeBoardService:
    """What the route uses of the web's BoardService: its store and ``notify``."""

    store: BoardStore
    notified: int = 0
    fail: bool = False

    def notify(self) -> None:
        self.notified += 1
        if self.fail:
            raise RuntimeError("the service is restarting")


def test_the_board_service_is_told_when_something_new_was_stored(
    api: TestClient, web_config: WebConfig
) -> None:
    service = FakeBoardService(BoardStore.open(web_config.database_url))
    api.app.state.board = service  # type: ignore[attr-defined]
    assert store_of(api) is service.store
    headers = {"Authorization": f"Bearer {service.store.add_source('pbx')}"}
    api.post(ROUTE, json={"events": [call("e1")]}, headers=headers)
    assert service.notified == 1
    api.post(ROUTE, json={"events": [call("e1")]}, headers=headers)  # only a duplicate
    assert service.notified == 1
    service.fail = True
    answer = api.post(ROUTE, json={"events": [call("e2")]}, headers=headers)
    assert answer.status_code == 200  # stored: a failing notification does not undo that
    assert service.notified == 2
    service.store.close()


# --- documentation ---------------------------------------------------------------------------


def test_the_route_is_documented_in_the_openapi_schema(api: TestClient) -> None:
    schema = api.get("/api/openapi.json").json()
    operation = schema["paths"][ROUTE]["post"]
    assert operation["tags"] == ["board"]
    assert operation["summary"] and len(operation["description"]) > 40
    assert {"200", "401", "413", "422", "503"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    text = json.dumps(body)
    assert "$defs" not in text and "$ref" not in text  # written in place: nothing to resolve
    variants = body["properties"]["events"]["items"]["oneOf"]
    types = {value for v in variants for value in v["properties"]["type"].get("enum", [])} | {
        v["properties"]["type"].get("const") for v in variants
    }
    assert "call.callback_requested" in types and "assessment.made" in types


def test_the_documented_examples_answer_as_documented(
    api: TestClient, auth: dict[str, str]
) -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "board-events.md").read_text("utf-8")
    curl_body = json.loads(re.search(r"-d '(\{.*?\})' \\", text, re.S).group(1))  # type: ignore[union-attr]
    results, every_type, invalid, refused = [
        json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)
    ]
    assert api.post(ROUTE, json=curl_body, headers=auth).json() == results
    answer = api.post(ROUTE, json=invalid, headers=auth)
    assert (answer.status_code, answer.json()) == (422, refused)
    stored = api.post(ROUTE, json=every_type, headers=auth).json()["results"]
    assert [r["status"] for r in stored] == [
        "duplicate" if r["source_id"] in ("pbx-991:queued", "om-42:received") else "stored"
        for r in stored
    ]
