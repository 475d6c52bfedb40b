"""Screenshots of the main pages for the docs (``docs/screenshots/*.png``): ``make screenshots``.

Run from the repository root::

    uv run python -m tests.web.browser.screenshots [--warehouse PATH] [--out DIR]

It serves the demo county's warehouse (``tilannekuva demo`` leaves it in the data folder) with
the same live server and Debian Chromium as the browser tests, and saves the top of each main
page at 1280 px wide: the scorecard in Finnish and in Swedish, the 7-day care guarantee
compared across units, a health station's reception and the data-quality report. When the
warehouse is missing, a default-size synthetic county is generated and loaded into a temporary
folder first (a few minutes). It is a script, not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.web.browser.harness import CHROMIUM, REPO_ROOT, LiveServer, launch_chromium
from tilannekuva.ingest import load_extract
from tilannekuva.settings import get_settings
from tilannekuva.synth import DEFAULT_PERSONS, generate_extract
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import SnapshotStore

WIDTH = 1280
MAX_HEIGHT = 1600  # the top of a long page is what a reader sees first; keeps PNGs small
PAGE_MS = 60_000
SEED = 2025


def shots(unit_id: str) -> list[tuple[str, str, str | None]]:
    """(file name, address, element the picture starts at) of every screenshot, in the order
    the docs show them; None starts at the top of the page."""
    compare_units = "/indicators/care_guarantee_7d?period=quarter&scope=unit&lang=fi"
    return [
        ("scorecard-fi.png", "/?lang=fi", None),
        ("scorecard-sv.png", "/?lang=sv", None),
        ("indicator-care-guarantee-fi.png", compare_units, None),
        ("indicator-care-guarantee-charts-fi.png", compare_units, "#trend-heading"),
        ("unit-fi.png", f"/units/{unit_id}?lang=fi", None),
        ("quality-fi.png", "/quality?lang=fi", None),
    ]


def demo_warehouse(requested: Path | None, workdir: Path) -> Path:
    """The warehouse to show: the one asked for, the demo's, or a county made now."""
    warehouse = requested or get_settings().warehouse_path
    if warehouse.is_file():
        return warehouse
    if requested is not None:
        raise SystemExit(f"{requested}: no warehouse here")
    print(f"{warehouse} is missing: generating a {DEFAULT_PERSONS:,}-person county ...")
    extract = workdir / "extract"
    generate_extract(extract, persons=DEFAULT_PERSONS, seed=SEED)
    warehouse = workdir / "warehouse.duckdb"
    load_extract(extract, warehouse)
    return warehouse


def save(page: Page, path: str, start: str | None, out: Path) -> int:
    """Open the page and save ``MAX_HEIGHT`` pixels of it from the top or from the element
    ``start``; the file's size in bytes."""
    response = page.goto(path, timeout=PAGE_MS)
    if response is None or response.status != 200:
        raise SystemExit(f"{path} answered {response.status if response else 'nothing'}")
    top = 0
    if start is not None:
        box = page.locator(start).bounding_box()
        if box is None:
            raise SystemExit(f"{path}: {start} is not shown")
        top = max(int(box["y"]) - 16, 0)
    page_height = int(page.evaluate("document.documentElement.scrollHeight"))
    height = min(page_height - top, MAX_HEIGHT)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=out, full_page=True, clip={"x": 0, "y": top, "width": WIDTH, "height": height}
    )
    return out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the main pages for docs/.")
    parser.add_argument("--warehouse", type=Path, help="warehouse to show (default: the demo's)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium package")
    with tempfile.TemporaryDirectory(prefix="screenshots-") as temporary:
        workdir = Path(temporary)
        warehouse = demo_warehouse(args.warehouse, workdir)
        snapshots = SnapshotStore(warehouse, check_seconds=3600)
        units = snapshots.refresh_now().units  # built before serving: no page waits for it
        unit_id = next(u.unit_id for u in units if u.service_area == "reception")
        config = WebConfig(
            warehouse=warehouse,
            database_url=f"sqlite:///{workdir / 'operational.sqlite'}",
            secret_key=secrets.token_urlsafe(32),
        )
        with LiveServer(create_app(config, snapshots=snapshots)) as server, sync_playwright() as p:
            browser = launch_chromium(p)
            context = browser.new_context(
                base_url=server.base_url, viewport={"width": WIDTH, "height": 900}
            )
            page = context.new_page()
            for name, path, start in shots(unit_id):
                size = save(page, path, start, args.out / name)
                print(f"{args.out / name}: {size / 1024:.0f} kB")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
