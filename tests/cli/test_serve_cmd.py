"""``tilannekuva serve`` starts a real HTTP server over the configured warehouse."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_with_the_scorecard_of_the_given_warehouse(
    county_warehouse: Path,
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
    env["TILANNEKUVA_DATA_DIR"] = str(tmp_path / "data")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tilannekuva.cli.main",
            "serve",
            "--warehouse",
            str(county_warehouse),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        response = None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/?lang=en", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response is not None and response.status_code == 200
        assert "County scorecard" in response.text
        assert (tmp_path / "data" / "secret_key").is_file()  # a session key was made and kept
        assert oct((tmp_path / "data" / "secret_key").stat().st_mode & 0o777) == "0o600"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{port}/" in output  # the address was printed
