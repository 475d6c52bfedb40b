"""The feedback store's part for SMS: the outbox, the opt-out list and the inbox of replies.

Two modules do the work — :mod:`outbox` (messages kept until sent, and sent once; the
opt-out list) and :mod:`inbox` (replies stored once and acted on in one transaction) — and
this one puts them together as the store's :class:`MessagingMixin`, and names what the SMS
channel (``feedback.sms``) uses of them.
"""

from __future__ import annotations

from tilannekuva.feedback.store.inbox import (
    Decide,
    HandledInbound,
    InboundContext,
    InboundPlan,
    InboxMixin,
    PlannedSms,
    StoredInbound,
)
from tilannekuva.feedback.store.outbox import (
    OPT_OUT_SOURCES,
    PURPOSES,
    STATUSES,
    OutboxMessage,
    outbox_reference,
)

__all__ = [
    "OPT_OUT_SOURCES",
    "PURPOSES",
    "STATUSES",
    "Decide",
    "HandledInbound",
    "InboundContext",
    "InboundPlan",
    "MessagingMixin",
    "OutboxMessage",
    "PlannedSms",
    "StoredInbound",
    "outbox_reference",
]


class MessagingMixin(InboxMixin):
    """The SMS outbox (retries with back-off), the inbox of replies and the opt-out list."""
