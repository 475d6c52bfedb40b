"""``tilannekuva users``: add, list, disable and re-password local users; read the audit trail.

Each test works on its own SQLite store named by ``TILANNEKUVA_DATABASE_URL``, the way an
operator's configuration names it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.web.accounts.hashing import cheap_hashing
from tilannekuva.cli.main import app
from tilannekuva.web.accounts import AccountStore, SignInRefused

__all__ = ["cheap_hashing"]  # a fixture of these tests
pytestmark = pytest.mark.usefixtures("cheap_hashing")

PASSWORD = "oikea-salasana-123"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A configured store in an empty folder, with no other TILANNEKUVA_ setting in effect."""
    url = f"sqlite:///{tmp_path / 'data' / 'operational.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        for name in list(os.environ):
            if name.startswith("TILANNEKUVA_"):
                patch.delenv(name)
        patch.setenv("TILANNEKUVA_DATABASE_URL", url)
        yield url


def users(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, ["users", *args], input=stdin, env={"COLUMNS": "200"})


def sign_in(url: str, username: str, password: str) -> object:
    store = AccountStore.open(url)
    try:
        return store.authenticate(username, password)
    finally:
        store.close()


def test_a_user_added_from_a_script_is_listed_and_can_sign_in(database_url: str) -> None:
    added = users(
        "add",
        "Aino",
        "--role",
        "analyst",
        "--display-name",
        "Aino A",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert "added aino (analyst)" in added.stdout
    listed = users("list")
    assert listed.exit_code == 0
    header, row = listed.stdout.strip().splitlines()
    assert header.split("\t")[:3] == ["username", "role", "status"]
    assert row.split("\t")[:3] == ["aino", "analyst", "active"]
    assert row.endswith("\tAino A")
    signed_in = sign_in(database_url, "aino", PASSWORD)
    assert not isinstance(signed_in, SignInRefused)


def test_the_password_is_asked_twice_without_echo(database_url: str) -> None:
    typed = f"{PASSWORD}\nsomething-else-1\n{PASSWORD}\n{PASSWORD}\n"
    added = users("add", "mervi", "--role", "manager", stdin=typed)
    assert added.exit_code == 0, added.output
    assert "do not match" in added.output  # the first pair differed, so it asked again
    assert PASSWORD not in added.output
    assert not isinstance(sign_in(database_url, "mervi", PASSWORD), SignInRefused)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "aino", "--role", "manager", "--password-stdin"), PASSWORD, "already exists"),
        (("add", "uusi", "--role", "manager", "--password-stdin"), "short", "at least 12"),
        (("add", "has space", "--role", "manager", "--password-stdin"), PASSWORD, "username"),
        (("disable", "nobody"), None, "no user nobody"),
        (("enable", "nobody"), None, "no user nobody"),
        (("set-password", "nobody", "--password-stdin"), PASSWORD, "no user nobody"),
    ],
)
def test_refused_changes_exit_1_with_a_reason(
    database_url: str, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    assert (
        users("add", "aino", "--role", "analyst", "--password-stdin", stdin=PASSWORD).exit_code == 0
    )
    result = users(*args, stdin=stdin)
    assert result.exit_code == 1
    assert message in result.output


def test_an_unknown_role_is_a_usage_error(database_url: str) -> None:
    result = users("add", "aino", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 2
    assert "admin" in result.output


def test_a_disabled_user_is_listed_as_such_and_cannot_sign_in_until_enabled(
    database_url: str,
) -> None:
    users("add", "aino", "--role", "analyst", "--password-stdin", stdin=PASSWORD)
    result = users("disable", "aino")
    assert result.exit_code == 0
    assert "\tdisabled\t" in users("list").stdout
    assert sign_in(database_url, "aino", PASSWORD) is SignInRefused.INVALID
    assert users("enable", "aino").exit_code == 0
    assert "\tactive\t" in users("list").stdout
    assert not isinstance(sign_in(database_url, "aino", PASSWORD), SignInRefused)


def test_a_new_password_replaces_the_old_one(database_url: str) -> None:
    users("add", "aino", "--role", "analyst", "--password-stdin", stdin=PASSWORD)
    result = users("set-password", "aino", "--password-stdin", stdin="uusi-salasana-456\n")
    assert result.exit_code == 0, result.output
    assert sign_in(database_url, "aino", PASSWORD) is SignInRefused.INVALID
    assert not isinstance(sign_in(database_url, "aino", "uusi-salasana-456"), SignInRefused)


def test_the_audit_trail_is_listed_newest_first_and_filtered(database_url: str) -> None:
    store = AccountStore.open(database_url)
    for hour, (who, role, unit) in enumerate(
        [("aino", "analyst", "u1"), ("mervi", "manager", "u2"), ("aino", "analyst", "u3")]
    ):
        store.record_audit(
            username=who,
            role=role,
            action="view_quality_ids",
            subject=unit,
            detail=f"c{hour}",
            at=datetime(2025, 6, 2, 8 + hour, tzinfo=UTC),
        )
    store.close()
    every = users("audit")
    assert every.exit_code == 0
    lines = every.stdout.strip().splitlines()
    assert lines[0] == "time (UTC)\tuser\trole\taction\tsubject\tdetail"
    assert lines[1] == "2025-06-02T10:00:00Z\taino\tanalyst\tview_quality_ids\tu3\tc2"
    assert len(lines) == 4
    aino = users("audit", "--user", "aino", "--since", "2025-06-02T09:30:00").stdout
    assert [line.split("\t")[4] for line in aino.strip().splitlines()[1:]] == ["u3"]
    newest = users("audit", "--limit", "1").stdout
    assert len(newest.strip().splitlines()) == 2


def test_an_unreachable_store_exits_2_with_one_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "TILANNEKUVA_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
    )
    result = users("list")
    assert result.exit_code == 2
    assert result.output.startswith("error: cannot open the operational store")
    assert result.output.strip().count("\n") == 0
