"""``tilannekuva users``: local users of the web app, and the audit trail of record-id views.

The operational store is the one the settings name (``database_url``, by default SQLite in the
data folder); opening it applies pending migrations, so these commands work on a fresh
installation before the web app has ever run. Passwords are typed twice at a hidden prompt,
or read from standard input with ``--password-stdin`` for scripts; they never appear as an
argument (which other users could see in the process list). Exit status 1 when the user
exists, does not exist or the password is refused; 2 when the store cannot be opened.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from tilannekuva.settings import get_settings
from tilannekuva.web.accounts import (
    MIN_PASSWORD_LENGTH,
    AccountStore,
    InvalidUser,
    UnknownUser,
    UserExists,
    WeakPassword,
)

USER_ERROR_EXIT = 1
STORE_EXIT = 2
DEFAULT_AUDIT_ROWS = 100

app = typer.Typer(
    help="Local users of the web app (sign-in with a password) and the audit trail.",
    no_args_is_help=True,
)


class Role(StrEnum):
    analyst = "analyst"
    manager = "manager"


PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]


def _fail(message: str, code: int = USER_ERROR_EXIT) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _open_store() -> AccountStore:
    url = get_settings().database_url_text
    try:
        return AccountStore.open(url)
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0]
        raise _fail(f"cannot open the operational store: {reason}", STORE_EXIT) from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt="Repeat the password",
    )
    return password


def _one_cell(text: str) -> str:
    """Tabs and line breaks in a value would break the one-entry-per-line output."""
    return " ".join(text.split()) if any(char in text for char in "\t\r\n") else text


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Username (lower-case letters, digits, . _ @ -).")],
    role: Annotated[Role, typer.Option("--role", help="analyst or manager (unit manager).")],
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="Name shown in the page header.")
    ] = None,
    password_stdin: PasswordStdinOption = False,
) -> None:
    """Add a local user who signs in with a password."""
    store = _open_store()
    password = _read_password(password_stdin)
    try:
        user = store.add_user(name, password, role=role.value, display_name=display_name)
    except (UserExists, InvalidUser, WeakPassword) as error:
        raise _fail(str(error)) from None
    finally:
        store.close()
    typer.echo(f"added {user.username} ({user.role})")


@app.command("list")
def list_users() -> None:
    """List local users, one per line (tab-separated)."""
    store = _open_store()
    try:
        users = store.users()
    finally:
        store.close()
    typer.echo("username\trole\tstatus\tcreated\tdisplay name")
    for user in users:
        status = "disabled" if user.disabled else "active"
        fields = (user.username, user.role, status, _utc(user.created_at), user.display_name)
        typer.echo("\t".join(fields))


@app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="Username.")]) -> None:
    """Stop a user from signing in (the user stays in the audit trail)."""
    store = _open_store()
    try:
        store.disable(name)
    except UnknownUser as error:
        raise _fail(str(error)) from None
    finally:
        store.close()
    typer.echo(f"disabled {name}")


@app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="Username.")]) -> None:
    """Let a disabled user sign in again."""
    store = _open_store()
    try:
        store.enable(name)
    except UnknownUser as error:
        raise _fail(str(error)) from None
    finally:
        store.close()
    typer.echo(f"enabled {name}")


@app.command("set-password")
def set_password(
    name: Annotated[str, typer.Argument(help="Username.")],
    password_stdin: PasswordStdinOption = False,
) -> None:
    """Give a user a new password."""
    store = _open_store()
    if store.user(name) is None:
        store.close()
        raise _fail(f"no user {name}")
    password = _read_password(password_stdin)
    try:
        store.set_password(name, password)
    except (UnknownUser, WeakPassword) as error:
        raise _fail(str(error)) from None
    finally:
        store.close()
    typer.echo(f"password of {name} changed")


@app.command("audit")
def audit(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's entries.")] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            help="Only entries from this UTC date or time on (2025-06-01 or 2025-06-01T08:00:00).",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Most entries to show, newest first.")
    ] = DEFAULT_AUDIT_ROWS,
) -> None:
    """Show the audit trail: who saw which record ids, and sign-ins, newest first."""
    store = _open_store()
    try:
        entries = store.audit_entries(
            username=user, since=since.replace(tzinfo=UTC) if since else None, limit=limit
        )
    finally:
        store.close()
    typer.echo("time (UTC)\tuser\trole\taction\tsubject\tdetail")
    for entry in entries:
        fields = (entry.username, entry.role, entry.action, entry.subject, entry.detail)
        typer.echo("\t".join((_utc(entry.at), *(_one_cell(text) for text in fields))))
