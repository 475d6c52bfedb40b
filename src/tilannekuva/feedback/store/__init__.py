"""The feedback store: SQLAlchemy over SQLite (default) or PostgreSQL, migrated by Alembic."""

from tilannekuva.feedback.store.answers import (
    Answer,
    InvalidAnswer,
    Invitation,
    NewInvitation,
    Recorded,
    StoredAnswer,
)
from tilannekuva.feedback.store.store import FeedbackStore

__all__ = [
    "Answer",
    "FeedbackStore",
    "InvalidAnswer",
    "Invitation",
    "NewInvitation",
    "Recorded",
    "StoredAnswer",
]
