"""Rendered pages (and JSON answers of the API), kept until the next load.

A public page depends only on the snapshot (one load), the language and the address: the
same request gives the same bytes until a new load arrives. Keeping the rendered bytes lets
one worker serve a county's visitors (and an embedded scorecard on the county's website) in
about a millisecond, instead of formatting thousands of numbers again for each visitor.

Only ``GET`` requests for pages are kept. A signed-in person's pages are kept for that session
alone (they name the user and carry the session's form token), and a page marked
``Cache-Control: no-store`` is never kept: a view of record ids must reach the audit trail
every time. The cache is an LRU bounded by bytes, keyed by the snapshot it was rendered from,
so a new load makes every old entry unreachable at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tilannekuva.web.templating import CSRF_SESSION_KEY, request_locale, request_viewer

MAX_BYTES = 128 * 1024 * 1024
UNCACHED_PREFIXES = ("/static/", "/signin", "/signout", "/language/")
KEPT_MEDIA_TYPES = ("text/html", "application/json")
CACHE_HEADER = "X-Tilannekuva-Page-Cache"

Key = tuple[int, str, str, str, str]


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """A byte-bounded LRU of rendered pages (thread-safe: handlers run in a thread pool)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Key, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Key, page: CachedPage) -> None:
        if len(page.body) > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._pages)


def kept_headers(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The headers to send again with a kept body (length, type and the cache mark are
    written afresh for every answer)."""
    return tuple(
        (name, value)
        for name, value in headers.items()
        if name.lower() not in ("content-length", "content-type", CACHE_HEADER.lower())
    )


def cacheable(request: Request) -> bool:
    """A GET of a page or of the JSON API (not assets, downloads, sign-in or the language
    switch); the API's answers, too, depend only on the load, the role and the address."""
    return (
        request.method == "GET"
        and not request.url.path.startswith(UNCACHED_PREFIXES)
        and "/download." not in request.url.path
    )


def session_key(request: Request) -> str:
    """Whose copy: empty for the public, else the user, role and session form token."""
    viewer = request_viewer(request)
    if not viewer.signed_in:
        return ""
    token = request.session.get(CSRF_SESSION_KEY, "")
    return f"{viewer.username}\x1f{viewer.role}\x1f{token}"


class PageCacheMiddleware:
    """Serves repeated page requests from memory (plain ASGI, see ``middleware``).

    Must run inside :class:`~tilannekuva.web.middleware.ViewerAndLocale`, which decides the
    viewer and the language the key depends on.
    """

    def __init__(self, app: ASGIApp, *, cache: PageCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not cacheable(request := Request(scope)):
            await self.app(scope, receive, send)
            return
        key = page_key(request)
        page = self.cache.get(key)
        if page is not None:
            await self._send_page(page, send)
            return
        await self.app(scope, receive, self._keeping(key, send))

    @staticmethod
    async def _send_page(page: CachedPage, send: Send) -> None:
        headers = [
            *((name.encode("latin-1"), value.encode("latin-1")) for name, value in page.headers),
            (b"content-type", page.media_type.encode("latin-1")),
            (b"content-length", str(len(page.body)).encode("latin-1")),
            (CACHE_HEADER.lower().encode("latin-1"), b"hit"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": page.body})

    def _keeping(self, key: Key, send: Send) -> Send:
        """A ``send`` that passes the response on and keeps it when it is a plain HTML 200."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        keeping = True

        async def send_and_keep(message: Message) -> None:
            nonlocal keeping
            if message["type"] == "http.response.start":
                start.update(message)
                headers = MutableHeaders(scope=message)
                headers[CACHE_HEADER] = "miss"
                # a no-store answer is never kept, so its body is not gathered either: a
                # live-board stream (text/event-stream) would otherwise grow here for hours
                keeping = "no-store" not in headers.get("cache-control", "")
            elif message["type"] == "http.response.body" and keeping:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, start, b"".join(chunks))
            await send(message)

        return send_and_keep

    def _keep(self, key: Key, start: dict[str, Any], body: bytes) -> None:
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        media_type = headers.get("content-type", "")
        if start.get("status") != 200 or not media_type.startswith(KEPT_MEDIA_TYPES):
            return
        if "set-cookie" in headers:
            return  # the page changed the session: the next request is the one to keep
        if "no-store" in headers.get("cache-control", ""):
            return  # audited views are rendered (and written to the trail) every time
        self.cache.put(key, CachedPage(body, media_type, kept_headers(headers)))


def page_key(request: Request, *, variant: str = "") -> Key:
    """The cache key of a request: snapshot, language, address and whose copy it is.

    ``variant`` keeps a handler's own entries (an audited page that renders from the cache
    after writing its audit entries) apart from the middleware's.
    """
    snapshot = request.app.state.snapshots.current()
    return (
        snapshot.generation,
        request_locale(request),
        variant + request.url.path,
        request.url.query,
        session_key(request),
    )


def rendered_once(
    request: Request, render: Callable[[], HTMLResponse], *, keep: bool = True
) -> HTMLResponse:
    """The page ``render`` makes, rendered once per snapshot, language, address and session.

    For pages the middleware must not keep (``no-store``: record-id views, whose handler
    writes the audit entries on every request before calling this): the handler still runs
    every time, only the rendering is reused. ``keep=False`` renders without keeping (a
    page that says "try again" must not be kept).
    """
    cache: PageCache = request.app.state.page_cache
    key = page_key(request, variant="rendered:")
    page = cache.get(key)
    if page is not None:
        return HTMLResponse(page.body, headers=dict(page.headers))
    response = render()
    if keep and response.status_code == 200 and "set-cookie" not in response.headers:
        media_type = response.headers.get("content-type", "text/html; charset=utf-8")
        cache.put(key, CachedPage(bytes(response.body), media_type, kept_headers(response.headers)))
    return response


def install(app: FastAPI) -> PageCache:
    """Add the cache; call before :class:`ViewerAndLocale` is added (so it runs inside it)."""
    cache = PageCache()
    app.state.page_cache = cache
    app.add_middleware(PageCacheMiddleware, cache=cache)
    return cache
