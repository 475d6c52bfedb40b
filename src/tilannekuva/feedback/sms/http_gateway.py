"""The generic JSON gateway API over HTTP: the adapter a provider speaking it needs no code for.

``POST {base}/messages`` with ``{"to", "from", "text", "reference"}`` and a bearer token
answers ``{"message_id": ...}``. How an answer is classified decides whether the outbox
retries: no answer at all (timeout, refused or dropped connection), a 5xx or a 429 means
"try again later"; so do 401, 403, 404 and 408 — a wrong token or address is the county's
configuration to fix, not a reason to drop every message. Any other 4xx (400, 422 …) means
this message can never be sent as it is.
"""

from __future__ import annotations

import httpx

from tilannekuva.feedback.sms.gateway import (
    GatewayRejected,
    GatewayUnavailable,
    OutboundSms,
    SendResult,
)

# Answers that say nothing about the message itself: retry once the cause is fixed.
NOT_THE_MESSAGES_FAULT = frozenset({401, 403, 404, 408, 425, 429})


class HttpGateway:
    """An :class:`~tilannekuva.feedback.sms.gateway.SmsGateway` over the generic JSON API.

    One connection pool is kept for the gateway's lifetime (the outbox sends many small
    requests); it is safe to share between the worker's sending threads.
    """

    def __init__(self, base_url: str, token: str, sender: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.sender = sender
        self._client = httpx.Client(
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}"},
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )

    def send(self, message: OutboundSms) -> SendResult:
        body = {
            "to": message.to,
            "from": self.sender,
            "text": message.text,
            "reference": message.reference,
        }
        try:
            response = self._client.post(f"{self.base_url}/messages", json=body)
        except httpx.TransportError as error:  # timeouts, refused and dropped connections
            raise GatewayUnavailable(f"gateway not reachable: {type(error).__name__}") from error
        if response.status_code >= 500 or response.status_code in NOT_THE_MESSAGES_FAULT:
            raise GatewayUnavailable(f"gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise GatewayRejected(f"gateway refused the message: {_reason(response)}")
        try:
            message_id = response.json()["message_id"]
        except (ValueError, KeyError, TypeError):
            # Accepted or not? Unknown: retrying with the same reference lets the provider
            # drop the repeat, which is safer than assuming the message went out.
            raise GatewayUnavailable("gateway answer has no message_id") from None
        if not isinstance(message_id, str | int) or not str(message_id):
            raise GatewayUnavailable("gateway answer has no message_id")
        return SendResult(str(message_id))

    def close(self) -> None:
        self._client.close()


def _reason(response: httpx.Response) -> str:
    try:
        detail = response.json().get("error")
    except (ValueError, AttributeError):
        detail = None
    return f"{response.status_code} {detail}" if detail else str(response.status_code)
