"""Fixtures of the SMS tests (defined in ``fixtures.py``, shared with the store's tests)."""

from tests.feedback.sms.fixtures import clock, feedback_postgres, sqlite_store, store, store_url

__all__ = ["clock", "feedback_postgres", "sqlite_store", "store", "store_url"]
