"""Public pages are served from memory until the next load; signed-in pages never are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.page_cache import CACHE_HEADER, CachedPage, PageCache
from tilannekuva.web.snapshot import SnapshotStore
from tilannekuva.web.viewer import UserRole

UNIT = "205-TA1-VO"


def test_a_repeated_public_request_is_served_from_memory_with_the_same_bytes(
    client: TestClient,
) -> None:
    first = client.get("/indicators/care_guarantee_7d?period=quarter&scope=unit")
    second = client.get("/indicators/care_guarantee_7d?period=quarter&scope=unit")
    assert first.headers[CACHE_HEADER] == "miss" and second.headers[CACHE_HEADER] == "hit"
    assert first.content == second.content
    assert second.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert client.get("/indicators/care_guarantee_7d?period=month").headers[CACHE_HEADER] == "miss"


def test_each_language_has_its_own_copy(client: TestClient) -> None:
    finnish = client.get("/")
    swedish = client.get("/?lang=sv")
    assert swedish.headers[CACHE_HEADER] == "miss"
    assert '<html lang="sv">' in swedish.text and '<html lang="fi">' in finnish.text


def test_a_signed_in_copy_is_kept_for_that_session_only(
    client: TestClient, client_as: Callable[[UserRole], TestClient]
) -> None:
    analyst = client_as("analyst")
    url = "/indicators/care_guarantee_7d?period=month&scope=unit"
    assert client.get(url).headers[CACHE_HEADER] == "miss"  # the public copy
    analyst.get(url)  # the session's first page makes its form token (a new cookie): not kept
    first, second = analyst.get(url), analyst.get(url)
    assert first.headers[CACHE_HEADER] == "miss" and second.headers[CACHE_HEADER] == "hit"
    assert "test-analyst" not in client.get(url).text  # the public copy names nobody
    other = client_as("manager")
    assert other.get(url).headers[CACHE_HEADER] == "miss"


def test_audited_pages_are_never_kept_and_every_id_view_is_audited(
    client_as: Callable[[UserRole], TestClient],
) -> None:
    manager = client_as("manager")

    def id_views() -> int:
        entries = manager.app.state.accounts.audit_entries()  # type: ignore[attr-defined]
        return sum(1 for e in entries if e.subject == UNIT and e.action == "view_quality_ids")

    counts = []
    for _ in range(2):
        response = manager.get(f"/units/{UNIT}")
        assert response.status_code == 200 and response.headers[CACHE_HEADER] == "miss"
        counts.append(id_views())
    assert counts[0] >= 1 and counts[1] == 2 * counts[0]  # every view written again


def test_a_new_snapshot_makes_old_pages_unreachable(
    web_config: WebConfig, county_warehouse: Path
) -> None:
    store = SnapshotStore(county_warehouse, check_seconds=3600)
    with TestClient(create_app(web_config, snapshots=store)) as test_client:
        assert test_client.get("/loads").headers[CACHE_HEADER] == "miss"
        assert test_client.get("/loads").headers[CACHE_HEADER] == "hit"
        store.refresh_now()  # what a new load does
        assert test_client.get("/loads").headers[CACHE_HEADER] == "miss"


def test_the_cache_keeps_within_its_byte_budget() -> None:
    cache = PageCache(max_bytes=100)
    for i in range(5):
        cache.put((1, "fi", f"/p{i}", "", ""), CachedPage(b"x" * 30, "text/html", ()))
    assert len(cache) == 3  # 90 bytes; the two oldest were dropped
    assert (
        cache.get((1, "fi", "/p0", "", "")) is None
        and cache.get((1, "fi", "/p4", "", "")) is not None
    )
    cache.put((1, "fi", "/huge", "", ""), CachedPage(b"x" * 101, "text/html", ()))
    assert cache.get((1, "fi", "/huge", "", "")) is None


def test_api_answers_are_kept_per_load_and_role(
    client: TestClient, client_as: Callable[[UserRole], TestClient]
) -> None:
    url = "/api/v1/indicators/care_guarantee_7d/values?period=quarter"
    first, second = client.get(url), client.get(url)
    assert first.headers[CACHE_HEADER] == "miss" and second.headers[CACHE_HEADER] == "hit"
    assert first.json() == second.json() and second.json()["role"] == "public"
    analyst = client_as("analyst")
    analyst.get("/")  # the session's first response makes its form token
    assert analyst.get(url).json()["role"] == "analyst"  # not the public copy
    assert client.get("/api/v1/indicators/no_such/values").status_code == 404
