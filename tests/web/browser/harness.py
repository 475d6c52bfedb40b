"""A real server and a real browser for the browser tests and the screenshot script.

Kept apart from ``conftest.py`` so that ``tests/web/browser/screenshots.py`` uses the very same
server and browser set-up without pytest. The server is uvicorn serving the app over a socket
on 127.0.0.1 in a background thread (the browser must reach it over HTTP, not through a test
client); the browser is Debian's Chromium (``/usr/bin/chromium``), driven by Playwright. A
browser is never downloaded: Playwright's own browser builds would need internet access.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from playwright.sync_api import Browser, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Without the background-networking flags Chromium keeps opening connections to Google's
# services, which a closed test network refuses by the hundred; the sandbox needs user
# namespaces that containers (and root) do not have.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# WCAG 2.1 level A and AA, the level the Act on the Provision of Digital Services requires.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
STARTUP_SECONDS = 30.0


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 and a free port, in a daemon thread.

    The socket is bound before the thread starts, so the port cannot be taken in between;
    :meth:`start` returns once the server answers HTTP, :meth:`stop` lets uvicorn finish open
    requests and close the app's lifespan.
    """

    def __init__(self, app: Any) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="live-server",
            daemon=True,
        )

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if not self._thread.is_alive():
                raise RuntimeError("the live server stopped while starting (see the log above)")
            try:
                if httpx.get(self.base_url + "/static/favicon.svg", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the live server did not answer within {STARTUP_SECONDS:.0f} s")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._socket.close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium with the flags a closed network and a container need."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page; every violation, all impacts.

    The script is evaluated through the DevTools protocol rather than added as a ``<script>``
    element, so the page's Content-Security-Policy (``script-src 'self'``) stays in force
    while the scan runs.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
            .then(found => found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary),
            })))""",
        list(AXE_TAGS),
    )
    return result


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations that fail the scan: impact serious or critical."""
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable paragraph per violation, for an assertion message."""
    return "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    )
