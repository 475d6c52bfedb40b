"""Synthetic identifiers: unique, and never in the shape of a personal identity code."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tilannekuva.synth.ids import event_ids, person_ids, take

HETU = re.compile(r"(?i)[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-FHJ-NPR-Y]")


@given(st.lists(st.integers(0, 6_000_000), min_size=1, max_size=50, unique=True))
def test_person_ids_are_unique_pseudonyms(indexes: list[int]) -> None:
    ids = person_ids(np.array(indexes)).to_pylist()
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("ps") and len(i) == 10 and not HETU.fullmatch(i) for i in ids)


def test_event_ids_carry_the_chunk() -> None:
    assert event_ids("K", 12, 2).to_pylist() == ["K0012-0000000", "K0012-0000001"]


def test_take_gives_null_for_unknown() -> None:
    assert take(event_ids("P", 0, 2), np.array([1, -1])).to_pylist() == ["P0000-0000001", None]
