"""FeedbackStore: the one object the channels, the invitation service and the pages use."""

from __future__ import annotations

from tilannekuva.feedback.store import migrate
from tilannekuva.feedback.store.answers import AnswersMixin
from tilannekuva.feedback.store.core import Clock, utc_now
from tilannekuva.feedback.store.kiosks import KiosksMixin
from tilannekuva.feedback.store.messaging import MessagingMixin
from tilannekuva.feedback.store.pulse import PulseMixin
from tilannekuva.warehouse.operational import operational_engine


class FeedbackStore(AnswersMixin, MessagingMixin, KiosksMixin, PulseMixin):
    """Invitations, answers, SMS traffic, kiosks and the staff pulse in one SQL database."""

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> FeedbackStore:
        """Connect to ``url`` (SQLite file or PostgreSQL) and migrate to the newest schema."""
        engine = operational_engine(url)
        migrate.upgrade(engine)
        return cls(engine, clock=clock)
