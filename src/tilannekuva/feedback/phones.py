"""Phone numbers: one written form (E.164) and a keyed hash that stands for the number.

A number reaches the service written in many ways — ``040 123 4567`` from a patient record,
``+358 40 1234567`` or ``00358401234567`` from a gateway — and a reply must find the
invitation it answers whichever form was used, so every number is normalised to E.164
(``+358401234567``) first. The store then keeps only :func:`phone_key`, an HMAC-SHA256 of the
normalised number under the county's secret: replies and opt-outs can be matched, but a copy
of the database does not reveal who was asked (and unlike a plain hash, the key cannot be
reversed by hashing every possible Finnish number). The number itself lives only in the
outbox until its message is delivered.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

FINLAND = "358"
# Finnish national significant numbers are 5–12 digits (Traficom numbering plan); E.164 allows
# at most 15 digits with the country code.
NATIONAL_DIGITS = (5, 12)
E164_DIGITS = (8, 15)
_SEPARATORS = re.compile(r"[\s\-./()]")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")


def normalize_phone(text: str) -> str:
    """The number in E.164 form; a national number without a country code is Finnish.

    Accepts ``040 123 4567``, ``040-1234567``, ``+358 40 1234567``, ``+358 (0)40 123 4567``,
    ``00358401234567`` and ``358401234567`` (as gateways send it), and other countries'
    numbers written with ``+`` or ``00``. Raises :class:`ValueError` saying what is wrong.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise ValueError("the phone number is empty")
    # "+358 (0)40 …": the trunk zero in brackets is written for people dialling at home.
    cleaned = cleaned.replace("(0)", "")
    compact = _SEPARATORS.sub("", cleaned)
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(
            f"the phone number {text!r} has characters other than digits, spaces and + - ( ) . /"
        )
    if plus:
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
        low, high = NATIONAL_DIGITS
        if not low <= len(national) <= high:
            raise ValueError(
                f"the Finnish number {text!r} has {len(digits)} digits; a number written "
                f"with its leading 0 has {low + 1}–{high + 1}"
            )
        international = FINLAND + national
    elif digits.startswith(FINLAND):
        international = digits
    else:
        raise ValueError(
            f"the phone number {text!r} has no country code: write it with a leading 0 "
            "(Finnish), or with + or 00 and the country code"
        )
    if international.startswith(FINLAND + "0"):
        raise ValueError(f"the number {text!r} repeats the trunk 0 after the country code 358")
    return _checked_e164("+" + international, text)


def _checked_e164(candidate: str, text: str) -> str:
    low, high = E164_DIGITS
    count = len(candidate) - 1
    if candidate.startswith("+0"):
        raise ValueError(f"the country code of {text!r} cannot start with 0")
    if not low <= count <= high:
        raise ValueError(
            f"the phone number {text!r} has {count} digits with its country code; "
            f"a number has {low}–{high}"
        )
    return candidate


def is_e164(number: str) -> bool:
    """Whether ``number`` is already in the form :func:`normalize_phone` returns."""
    return _E164.fullmatch(number) is not None


def phone_key(secret: str, e164: str) -> str:
    """The keyed hash (HMAC-SHA256, hex) that stands for a number in the store.

    Only normalised numbers are keyed: keying ``040…`` and ``+35840…`` separately would make a
    reply miss its invitation, so anything else is refused with :class:`ValueError`.
    """
    if not is_e164(e164):
        raise ValueError(f"phone_key needs a number in E.164 form (+358…), not {e164!r}")
    if not secret:
        raise ValueError("phone_key needs a secret")
    return hmac.new(secret.encode("utf-8"), e164.encode("ascii"), hashlib.sha256).hexdigest()
