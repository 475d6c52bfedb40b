"""Kiosks in the feedback store: random ids, listing, and taking a kiosk out of use.

A kiosk's address is the only thing that ties an anonymous answer to a unit, so its id must
not be guessable; a kiosk taken out of use is kept (its answers still name it).
"""

from __future__ import annotations

import pytest

from tests.feedback.feedback_stores import clock, feedback_store, postgres_database
from tilannekuva.feedback.store import FeedbackStore

__all__ = ["clock", "feedback_store", "postgres_database"]


def test_kiosks_get_random_ids_and_are_listed(feedback_store: FeedbackStore) -> None:
    first = feedback_store.add_kiosk("unit-b", "Odotustila", "fi")
    second = feedback_store.add_kiosk("unit-a", "Väntrum", "sv", service_area="oral")
    assert first.kiosk_id.startswith("tk-kiosk-") and len(first.kiosk_id) == len("tk-kiosk-") + 20
    assert first.kiosk_id != second.kiosk_id
    assert first.active and first.service_area is None
    assert feedback_store.kiosk(second.kiosk_id) == second
    assert [k.unit_id for k in feedback_store.kiosks()] == ["unit-a", "unit-b"]
    assert feedback_store.kiosk("tk-kiosk-unknown") is None


def test_a_given_id_is_kept(feedback_store: FeedbackStore) -> None:
    kiosk = feedback_store.add_kiosk("unit-a", "Demo", "en", kiosk_id="demo-kiosk")
    assert feedback_store.kiosk("demo-kiosk") == kiosk


def test_a_kiosk_is_deactivated_not_deleted(feedback_store: FeedbackStore) -> None:
    kiosk = feedback_store.add_kiosk("unit-a", "Lobby", "fi")
    closed = feedback_store.set_kiosk_active(kiosk.kiosk_id, False)
    assert not closed.active
    assert feedback_store.kiosk(kiosk.kiosk_id) == closed
    assert feedback_store.set_kiosk_active(kiosk.kiosk_id, True).active
    with pytest.raises(LookupError):
        feedback_store.set_kiosk_active("tk-kiosk-unknown", False)


@pytest.mark.parametrize(("language", "label"), [("de", "Lobby"), ("fi", "  ")])
def test_a_kiosk_needs_a_known_language_and_a_label(
    feedback_store: FeedbackStore, language: str, label: str
) -> None:
    with pytest.raises(ValueError):
        feedback_store.add_kiosk("unit-a", label, language)
    assert feedback_store.kiosks() == []
