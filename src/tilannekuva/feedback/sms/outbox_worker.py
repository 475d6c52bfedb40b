"""The outbox worker: sends what is due, and keeps retrying through a gateway outage.

A gateway outage must delay messages, never lose them. The worker leases due messages from
the store (so several workers — one per web process — never send the same row), hands them
to the gateway a few at a time in parallel, and records each result:

- accepted: ``sent`` with the provider's id (an invitation's ``sent_at`` is set with it);
- :class:`GatewayUnavailable`: back to ``pending`` after an exponential back-off (30 s,
  doubling, at most 30 min), for as long as the message can still be used — an invitation's
  messages until the invitation expires, other replies for two days;
- :class:`GatewayRejected`: ``failed``, and the number is erased — it will never go.

Invitations go only inside the daytime window (``InvitationPolicy.window_start``/``end``,
Europe/Helsinki): outside it they simply are not claimed, and wait for the next morning.
Replies (thanks, help, opt-out confirmations) go at any hour — the customer just wrote. A
number on the opt-out list gets nothing but its opt-out confirmation; the worker checks the
list again just before sending, because an opt-out can arrive after a message was queued.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tilannekuva.feedback.config import FeedbackConfig, InvitationPolicy
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.sms.gateway import (
    GatewayRejected,
    GatewayUnavailable,
    OutboundSms,
    SmsGateway,
)
from tilannekuva.feedback.sms.http_gateway import HttpGateway
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.messaging import OutboxMessage

HELSINKI = ZoneInfo("Europe/Helsinki")
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=30)
REPLY_LIFETIME = timedelta(days=2)  # a reply without an invitation is useless after this
RECEIPT_WAIT = timedelta(days=2)  # a number with no receipt by then is erased anyway
LEASE = timedelta(minutes=5)  # longer than a batch can take: a dead worker's rows come back
BATCH = 100
SENDERS = 8  # messages handed to the gateway at once

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DaytimeWindow:
    """``[start, end)`` in Europe/Helsinki, when invitations may be sent."""

    start: time
    end: time

    @classmethod
    def of(cls, policy: InvitationPolicy) -> DaytimeWindow:
        return cls(policy.window_start, policy.window_end)

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(HELSINKI).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # a window across midnight


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min … 30 min."""
    doublings = min(max(attempts - 1, 0), 16)  # 30 s × 2¹⁶ is long past the cap already
    return min(FIRST_RETRY * 2**doublings, LONGEST_RETRY)


@dataclass(frozen=True)
class RunCounts:
    """What one :meth:`OutboxWorker.run_once` did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    expired: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed + self.cancelled


@dataclass(frozen=True)
class _Outcome:
    message: OutboxMessage
    provider_id: str | None = None
    error: str | None = None
    retry: bool = False


class OutboxWorker:
    """Sends due outbox messages through ``gateway`` (see the module docstring)."""

    def __init__(
        self,
        store: FeedbackStore,
        gateway: SmsGateway,
        policy: InvitationPolicy | DaytimeWindow,
        *,
        phone_key_secret: str,
        clock: Callable[[], datetime] | None = None,
        batch: int = BATCH,
        senders: int = SENDERS,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.gateway = gateway
        self.window = policy if isinstance(policy, DaytimeWindow) else DaytimeWindow.of(policy)
        self.secret = phone_key_secret
        self.clock = clock or store.now
        self.batch = batch
        self._on_close = on_close
        self._pool = ThreadPoolExecutor(senders, thread_name_prefix="sms-send")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> RunCounts:
        """Send one batch of due messages; the counts say what became of them."""
        expired = self.store.give_up_expired(reply_lifetime=REPLY_LIFETIME)
        self.store.erase_stale_numbers(sent_before=self.clock() - RECEIPT_WAIT)
        claimed = self.store.claim_due(
            self.batch, lease=LEASE, invitations=self.window.contains(self.clock())
        )
        if not claimed:
            return RunCounts(expired=expired)
        sendable, cancelled = self._not_opted_out(claimed)
        for message in cancelled:
            self.store.mark_failed(message.id, error="the number opted out", status="cancelled")
        outcomes = list(self._pool.map(self._send, sendable))
        sent_at = self.clock()
        self.store.mark_sent(
            [(o.message.id, o.provider_id) for o in outcomes if o.provider_id is not None],
            at=sent_at,
        )
        retried = failed = 0
        for outcome in outcomes:
            if outcome.provider_id is not None:
                continue
            error = outcome.error or "unknown error"
            if outcome.retry:
                retried += 1
                wait = retry_delay(outcome.message.attempts)
                self.store.mark_retry(
                    outcome.message.id, error=error, next_attempt_at=sent_at + wait
                )
            else:
                failed += 1
                self.store.mark_failed(outcome.message.id, error=error)
        sent = len(outcomes) - retried - failed
        return RunCounts(sent, retried, failed, len(cancelled), expired)

    def _not_opted_out(
        self, claimed: list[OutboxMessage]
    ) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
        keys = {
            message.id: phone_key(self.secret, message.to_phone)
            for message in claimed
            if message.to_phone is not None
        }
        opted_out = self.store.opted_out_among(keys.values())
        sendable: list[OutboxMessage] = []
        cancelled: list[OutboxMessage] = []
        for message in claimed:
            if message.to_phone is None:
                cancelled.append(message)  # erased meanwhile: nothing left to send to
            elif message.purpose != "opted_out" and keys[message.id] in opted_out:
                cancelled.append(message)
            else:
                sendable.append(message)
        return sendable, cancelled

    def _send(self, message: OutboxMessage) -> _Outcome:
        assert message.to_phone is not None
        outbound = OutboundSms(message.to_phone, message.body, message.reference)
        try:
            result = self.gateway.send(outbound)
        except GatewayUnavailable as error:
            return _Outcome(message, error=f"unavailable: {error}", retry=True)
        except GatewayRejected as error:
            return _Outcome(message, error=f"rejected: {error}")
        except Exception as error:  # an adapter's bug must not stop the other messages
            log.exception("gateway adapter failed on outbox message %s", message.id)
            return _Outcome(message, error=f"adapter error: {type(error).__name__}", retry=True)
        return _Outcome(message, provider_id=result.provider_message_id)

    # --- running in the background ------------------------------------------------------------

    def start(self, interval_seconds: float = 2.0) -> None:
        """Run in a daemon thread: a batch, then another at once if the batch was full,
        else after ``interval_seconds``. A failing database only delays the next round."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(interval_seconds,), name="sms-outbox", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        """Stop, and let go of the sending threads (and the gateway, via ``on_close``)."""
        self.stop()
        self._pool.shutdown(wait=True)
        if self._on_close is not None:
            self._on_close()

    def _loop(self, interval_seconds: float) -> None:
        while not self._stop.is_set():
            try:
                counts = self.run_once()
            except Exception:
                log.exception("outbox round failed; trying again in %s s", interval_seconds)
                counts = RunCounts()
            if counts.claimed < self.batch:
                self._stop.wait(interval_seconds)


def outbox_worker_for(store: FeedbackStore, config: FeedbackConfig) -> OutboxWorker | None:
    """The worker the configuration asks for: over an :class:`HttpGateway` when
    ``gateway_url`` is set, else None (messages wait in the outbox). Not started."""
    if not config.gateway_url:
        return None
    gateway = HttpGateway(config.gateway_url, config.gateway_token or "", config.sender)
    return OutboxWorker(
        store,
        gateway,
        config.policy,
        phone_key_secret=config.phone_key_secret,
        on_close=gateway.close,
    )
