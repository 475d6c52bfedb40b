"""Argon2id hashing: the right password verifies, nothing else does, short ones are refused."""

from __future__ import annotations

import pytest

from tilannekuva.web.accounts.passwords import (
    DUMMY_HASH,
    MIN_PASSWORD_LENGTH,
    WeakPassword,
    hash_password,
    needs_rehash,
    verify_password,
)

PASSWORD = "kolme-kuusi-yhdeksan"


def test_the_right_password_verifies_and_a_wrong_one_does_not() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password(stored, PASSWORD.upper())


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # a fresh salt per hash


def test_a_corrupt_hash_is_a_mismatch_not_an_error() -> None:
    assert not verify_password("not-a-hash", PASSWORD)
    assert not verify_password("$argon2id$v=19$m=1,t=1,p=1$broken", PASSWORD)


def test_short_passwords_are_refused() -> None:
    with pytest.raises(WeakPassword):
        hash_password("x" * (MIN_PASSWORD_LENGTH - 1))
    assert verify_password(hash_password("x" * MIN_PASSWORD_LENGTH), "x" * MIN_PASSWORD_LENGTH)


def test_the_dummy_hash_matches_no_ordinary_password() -> None:
    assert not verify_password(DUMMY_HASH, PASSWORD)
    assert not needs_rehash(DUMMY_HASH)
