"""Identifiers of the synthetic extract: unique across chunks, never an identity code.

Person pseudonyms are a bijective scramble of the person's index written in 8 Crockford
base-32 letters after ``ps``, so they look like opaque pseudonyms, are stable for a given
index and can never match the henkilötunnus pattern (extract-v1 Clarifications: six digits,
a century sign, three digits and a check character). Event ids carry their chunk number, so
chunks can be generated independently without a shared counter.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ALPHABET = np.frombuffer(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", dtype=np.uint8)
_MASK40 = (1 << 40) - 1
_MULT = 0x9E3779B97F4A7C15 & _MASK40 | 1
_ADD = 0x5851F42D4C95


def _base32(values: np.ndarray, width: int) -> pa.Array:
    digits = np.empty((len(values), width), dtype=np.uint8)
    rest = values.astype(np.uint64)
    for position in range(width - 1, -1, -1):
        digits[:, position] = _ALPHABET[(rest & np.uint64(31)).astype(np.intp)]
        rest = rest >> np.uint64(5)
    text = digits.view(f"S{width}").ravel().astype(str)
    return pa.array(text, pa.string())


def person_ids(index: np.ndarray) -> pa.Array:
    """``ps`` + 8 base-32 letters; a bijection of the index modulo 2**40."""
    idx = index.astype(np.uint64)
    scrambled = (idx * np.uint64(_MULT) + np.uint64(_ADD)) & np.uint64(_MASK40)
    return pc.binary_join_element_wise(pa.scalar("ps"), _base32(scrambled, 8), "")


def event_ids(prefix: str, chunk: int, count: int) -> pa.Array:
    """``<prefix><chunk:04>-<n:07>`` for n = 0 … count-1, e.g. ``K0003-0001234``."""
    numbers = pc.utf8_lpad(pc.cast(pa.array(np.arange(count, dtype=np.int64)), pa.string()), 7, "0")
    return pc.binary_join_element_wise(pa.scalar(f"{prefix}{chunk:04d}-"), numbers, "")


def take(ids: pa.Array, positions: np.ndarray) -> pa.Array:
    """Ids at positions; -1 gives NULL (e.g. a call from an unknown number)."""
    known = positions >= 0
    picked = pc.take(ids, pa.array(np.where(known, positions, 0)))
    return pc.if_else(pa.array(known), picked, pa.scalar(None, pa.string()))
