"""The HTTP adapter against the fake gateway's real server: what succeeds, what is retried
later (outage, timeout, dropped connection, wrong token) and what is refused for good."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tilannekuva.feedback.sms.fake_gateway import FakeGateway
from tilannekuva.feedback.sms.gateway import GatewayRejected, GatewayUnavailable, OutboundSms
from tilannekuva.feedback.sms.http_gateway import HttpGateway

TOKEN = "gateway-token"
MESSAGE = OutboundSms("+358401234567", "Hei!", "1-abc")


@pytest.fixture
def fake() -> Iterator[FakeGateway]:
    with FakeGateway(None, None, token=TOKEN) as gateway:
        yield gateway


@pytest.fixture
def http(fake: FakeGateway) -> Iterator[HttpGateway]:
    adapter = HttpGateway(fake.url, TOKEN, "Tilannekuva", timeout=0.5)
    yield adapter
    adapter.close()


def test_a_message_is_sent_with_sender_and_reference(fake: FakeGateway, http: HttpGateway) -> None:
    result = http.send(MESSAGE)
    (sent,) = fake.messages
    assert result.provider_message_id == sent.message_id
    assert (sent.to, sent.text, sent.sender, sent.reference) == (
        "+358401234567",
        "Hei!",
        "Tilannekuva",
        "1-abc",
    )


def test_a_repeated_reference_is_one_message(fake: FakeGateway, http: HttpGateway) -> None:
    first = http.send(MESSAGE)
    again = http.send(MESSAGE)
    assert first == again
    assert len(fake.messages) == 1


@pytest.mark.parametrize("mode", ["503", "drop", "hang"])
def test_an_outage_is_unavailable_not_rejected(
    fake: FakeGateway, http: HttpGateway, mode: str
) -> None:
    fake.outage(True, mode)  # type: ignore[arg-type]
    with pytest.raises(GatewayUnavailable):
        http.send(MESSAGE)
    fake.outage(False)
    assert http.send(MESSAGE).provider_message_id
    assert len(fake.messages) == 1


def test_no_server_at_all_is_unavailable(fake: FakeGateway) -> None:
    url = fake.url
    fake.stop()
    adapter = HttpGateway(url, TOKEN, "Tilannekuva", timeout=0.5)
    with pytest.raises(GatewayUnavailable, match="not reachable"):
        adapter.send(MESSAGE)
    adapter.close()


def test_a_wrong_token_is_a_configuration_problem_to_retry(fake: FakeGateway) -> None:
    adapter = HttpGateway(fake.url, "wrong", "Tilannekuva", timeout=0.5)
    with pytest.raises(GatewayUnavailable, match="401"):
        adapter.send(MESSAGE)
    adapter.close()
    assert fake.messages == []


def test_an_invalid_or_barred_number_is_rejected(fake: FakeGateway, http: HttpGateway) -> None:
    fake.reject("+358401234567")
    with pytest.raises(GatewayRejected, match="400 invalid or barred number"):
        http.send(MESSAGE)
    with pytest.raises(GatewayRejected, match="E.164"):
        http.send(OutboundSms("040 123", "Hei", "2-abc"))
