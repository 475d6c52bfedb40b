"""The operational store on SQLite and PostgreSQL: users, password sign-in, throttle, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tilannekuva.web.accounts import (
    AccountStore,
    InvalidUser,
    SignInRefused,
    UnknownUser,
    UserExists,
    WeakPassword,
)
from tilannekuva.web.accounts.store import MAX_FAILED_SIGNINS, THROTTLE_WINDOW

pytestmark = pytest.mark.usefixtures("cheap_hashing")

PASSWORD = "oikea-salasana-123"
START = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)


def test_added_users_are_listed_with_role_and_name(store: AccountStore) -> None:
    store.add_user("Mervi.Manager", PASSWORD, role="manager", display_name="Mervi Manageri")
    store.add_user("aino", PASSWORD, role="analyst")
    users = store.users()
    assert [(u.username, u.role, u.display_name, u.disabled) for u in users] == [
        ("aino", "analyst", "aino", False),
        ("mervi.manager", "manager", "Mervi Manageri", False),
    ]
    assert all(u.created_at.tzinfo is not None for u in users)
    assert abs(users[0].created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_usernames_are_unique_whatever_their_case(store: AccountStore) -> None:
    store.add_user("aino", PASSWORD, role="analyst")
    with pytest.raises(UserExists):
        store.add_user(" AINO ", PASSWORD, role="manager")


@pytest.mark.parametrize("username", ["", "has space", "ääkkönen", "-leading", "x" * 151])
def test_unusable_usernames_are_refused(store: AccountStore, username: str) -> None:
    with pytest.raises(InvalidUser):
        store.add_user(username, PASSWORD, role="analyst")


def test_unknown_roles_and_short_passwords_are_refused(store: AccountStore) -> None:
    with pytest.raises(InvalidUser):
        store.add_user("aino", PASSWORD, role="admin")
    with pytest.raises(WeakPassword):
        store.add_user("aino", "short", role="analyst")
    assert store.users() == []


def test_the_right_password_signs_in_and_anything_else_does_not(store: AccountStore) -> None:
    store.add_user("aino", PASSWORD, role="analyst", display_name="Aino Analyytikko")
    user = store.authenticate("Aino", PASSWORD)
    assert not isinstance(user, SignInRefused)
    assert (user.username, user.role, user.display_name) == ("aino", "analyst", "Aino Analyytikko")
    assert store.authenticate("aino", PASSWORD + "!") is SignInRefused.INVALID
    assert store.authenticate("nobody", PASSWORD) is SignInRefused.INVALID


def test_a_disabled_user_cannot_sign_in(store: AccountStore) -> None:
    store.add_user("aino", PASSWORD, role="analyst")
    store.disable("aino")
    assert store.authenticate("aino", PASSWORD) is SignInRefused.INVALID
    assert store.users()[0].disabled
    with pytest.raises(UnknownUser):
        store.disable("nobody")


def test_a_new_password_replaces_the_old_one(store: AccountStore) -> None:
    store.add_user("aino", PASSWORD, role="analyst")
    store.set_password("aino", "uusi-salasana-456")
    assert store.authenticate("aino", PASSWORD) is SignInRefused.INVALID
    assert store.authenticate("aino", "uusi-salasana-456") is not SignInRefused.INVALID
    with pytest.raises(UnknownUser):
        store.set_password("nobody", "uusi-salasana-456")


def test_five_failures_lock_the_username_for_the_rest_of_the_window(store: AccountStore) -> None:
    store.add_user("aino", PASSWORD, role="analyst")
    for minute in range(MAX_FAILED_SIGNINS):
        at = START + timedelta(minutes=minute)
        assert store.authenticate("aino", "guess", now=at) is SignInRefused.INVALID
    # Even the right password is refused now, and refusals do not extend the lock.
    locked = START + timedelta(minutes=10)
    assert store.authenticate("aino", PASSWORD, now=locked) is SignInRefused.THROTTLED
    assert store.authenticate("AINO", PASSWORD, now=locked) is SignInRefused.THROTTLED
    # Another username is not affected.
    store.add_user("mervi", PASSWORD, role="manager")
    assert store.authenticate("mervi", PASSWORD, now=locked) is not SignInRefused.THROTTLED
    # When the first failure leaves the window, four remain: one more try is allowed.
    after = START + THROTTLE_WINDOW + timedelta(seconds=1)
    assert store.authenticate("aino", PASSWORD, now=after) is not SignInRefused.INVALID


def test_unknown_usernames_are_throttled_like_known_ones(store: AccountStore) -> None:
    for _ in range(MAX_FAILED_SIGNINS):
        assert store.authenticate("nobody", "guess", now=START) is SignInRefused.INVALID
    assert store.authenticate("nobody", "guess", now=START) is SignInRefused.THROTTLED


def test_a_successful_sign_in_clears_the_failures(store: AccountStore) -> None:
    store.add_user("aino", PASSWORD, role="analyst")
    for _ in range(MAX_FAILED_SIGNINS - 1):
        store.authenticate("aino", "guess", now=START)
    assert store.authenticate("aino", PASSWORD, now=START) not in tuple(SignInRefused)
    for _ in range(MAX_FAILED_SIGNINS - 1):
        assert store.authenticate("aino", "guess", now=START) is SignInRefused.INVALID
    assert store.authenticate("aino", PASSWORD, now=START) not in tuple(SignInRefused)


def test_audit_entries_keep_who_when_and_what_newest_first(store: AccountStore) -> None:
    store.record_audit(
        username="aino",
        role="analyst",
        action="view_quality_ids",
        subject="u1",
        detail="c1, c2",
        at=START,
    )
    store.record_audit(
        username="mervi",
        role="manager",
        action="view_quality_ids",
        subject="u2",
        detail="c3",
        at=START + timedelta(hours=1),
    )
    entries = store.audit_entries()
    assert [(e.username, e.role, e.action, e.subject, e.detail) for e in entries] == [
        ("mervi", "manager", "view_quality_ids", "u2", "c3"),
        ("aino", "analyst", "view_quality_ids", "u1", "c1, c2"),
    ]
    assert entries[1].at == START and entries[1].at.tzinfo is not None
    assert [e.subject for e in store.audit_entries(username="aino")] == ["u1"]
    assert [e.subject for e in store.audit_entries(since=START + timedelta(minutes=1))] == ["u2"]
    assert len(store.audit_entries(limit=1)) == 1


def test_audit_times_are_utc_whatever_zone_they_were_given_in(store: AccountStore) -> None:
    helsinki_summer = datetime(2025, 6, 2, 11, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    store.record_audit(
        username="aino", role="analyst", action="a", subject="s", detail="d", at=helsinki_summer
    )
    assert store.audit_entries()[0].at == datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
