"""The demo's analyst user: a fresh password each run, and only the newest one works."""

from __future__ import annotations

from pathlib import Path

from tilannekuva.cli.demo_cmd import DEMO_ANALYST, demo_analyst_password
from tilannekuva.web.accounts import AccountStore, SignInRefused


def test_each_run_replaces_the_demo_analysts_password(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    first = demo_analyst_password(url)
    second = demo_analyst_password(url)
    assert first != second and len(second) >= 12
    store = AccountStore.open(url)
    try:
        user = store.authenticate(DEMO_ANALYST, second)
        assert not isinstance(user, SignInRefused) and user.role == "analyst"
        assert store.authenticate(DEMO_ANALYST, first) is SignInRefused.INVALID
    finally:
        store.close()


def test_a_disabled_demo_analyst_is_enabled_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    demo_analyst_password(url)
    store = AccountStore.open(url)
    store.disable(DEMO_ANALYST)
    store.close()
    password = demo_analyst_password(url)
    store = AccountStore.open(url)
    try:
        assert not isinstance(store.authenticate(DEMO_ANALYST, password), SignInRefused)
    finally:
        store.close()
