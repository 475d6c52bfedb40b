"""Phone numbers: every usual spelling of a number is one E.164 number and one key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilannekuva.feedback.phones import is_e164, normalize_phone, phone_key

SPELLINGS = [
    ("040 123 4567", "+358401234567"),
    ("0401234567", "+358401234567"),
    ("040-123 4567", "+358401234567"),
    ("040-1234567", "+358401234567"),
    ("+358 40 1234567", "+358401234567"),
    ("+358401234567", "+358401234567"),
    ("+358 (0)40 123 4567", "+358401234567"),
    ("00358 40 123 4567", "+358401234567"),
    ("00358401234567", "+358401234567"),
    ("358401234567", "+358401234567"),  # as gateways send it
    ("  050 987 6543 ", "+358509876543"),
    ("(09) 310 1691", "+35893101691"),  # a landline in Helsinki
    ("+46 70 123 45 67", "+46701234567"),  # a Swedish mobile
    ("0046 70 123 45 67", "+46701234567"),
    ("０４０ １２３ ４５６７", "+358401234567"),  # full-width digits
]


@pytest.mark.parametrize(("written", "e164"), SPELLINGS)
def test_every_spelling_normalises_to_e164(written: str, e164: str) -> None:
    assert normalize_phone(written) == e164


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("040 123 456a", "characters other than digits"),
        ("call me", "characters other than digits"),
        ("040", "has 3 digits"),
        ("0401234567890123", "has 16 digits"),
        ("401234567", "no country code"),
        ("+358 040 1234567", "trunk 0"),
        ("+0 40 123", "cannot start with 0"),
        ("+358 40", "has 5 digits with its country code"),
    ],
)
def test_a_number_that_cannot_be_read_says_why(written: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalize_phone(written)


def test_the_key_is_the_same_for_every_spelling_and_differs_by_secret() -> None:
    keys = {phone_key("secret", normalize_phone(written)) for written, _ in SPELLINGS[:10]}
    assert len(keys) == 1
    (key,) = keys
    assert len(key) == 64 and int(key, 16) >= 0
    assert phone_key("another secret", "+358401234567") != key
    assert "401234567" not in key


def test_only_normalised_numbers_are_keyed() -> None:
    with pytest.raises(ValueError, match="E.164"):
        phone_key("secret", "040 123 4567")
    with pytest.raises(ValueError, match="secret"):
        phone_key("", "+358401234567")


@given(st.from_regex(r"0[1-9][0-9]{5,10}", fullmatch=True), st.sampled_from([" ", "-", ""]))
def test_finnish_numbers_survive_any_separators(digits: str, separator: str) -> None:
    written = separator.join([digits[:3], digits[3:6], digits[6:]])
    normalised = normalize_phone(written)
    assert normalised == "+358" + digits[1:]
    assert is_e164(normalised)
    assert normalize_phone(normalised) == normalised  # idempotent


@given(st.text(max_size=40))
def test_normalising_never_fails_other_than_with_a_reason(text: str) -> None:
    try:
        normalised = normalize_phone(text)
    except ValueError as error:
        assert str(error)
    else:
        assert is_e164(normalised)
