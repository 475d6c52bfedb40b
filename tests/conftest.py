"""Shared pytest configuration: the ``slow`` marker and settings isolated from the developer.

Tests must give the same result on every machine, so no test sees the ``TILANNEKUVA_*``
variables of the shell that runs it.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.county"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: takes more than a few seconds (a whole synthetic county); `make test-fast` skips it",
    )


@pytest.fixture(autouse=True)
def _no_tilannekuva_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("TILANNEKUVA_"):
            monkeypatch.delenv(name)
