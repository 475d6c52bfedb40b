"""Cheap Argon2 parameters for tests that hash many passwords but do not test the hashing.

Production parameters take a noticeable moment per hash on purpose; tests of sign-in,
throttling and the CLI only need hashes that verify, so they use argon2's cheapest profile.
``test_passwords.py`` keeps the real parameters.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from tilannekuva.web.accounts import passwords


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(CHEAPEST))
