"""``tilannekuva feedback``: visits, the SMS worker, kiosks, pulse links, the export, status.

Each test configures the commands the way an operator does, with ``TILANNEKUVA_*`` variables:
its own SQLite feedback store, the shared synthetic county as the warehouse (unit names), and
for the worker a real fake SMS gateway on a free port.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tilannekuva.cli.main import app
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.sms.fake_gateway import FakeGateway
from tilannekuva.feedback.store import Answer, FeedbackStore
from tilannekuva.warehouse import connect

PUBLIC = "https://palaute.example.fi"
PHONE = "+358401234567"


@dataclass(frozen=True)
class Configured:
    url: str
    folder: Path
    unit_id: str
    unit_name: str


@pytest.fixture
def configured(tmp_path: Path, county_warehouse: Path) -> Iterator[Configured]:
    url = f"sqlite:///{tmp_path / 'data' / 'operational.sqlite'}"
    connection = connect(county_warehouse, read_only=True)
    try:
        unit_id, unit_name = connection.execute(
            "SELECT unit_id, name FROM units WHERE service_area = 'reception' "
            "ORDER BY unit_id LIMIT 1"
        ).fetchone()  # type: ignore[misc]
    finally:
        connection.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        for name in list(os.environ):
            if name.startswith("TILANNEKUVA_"):
                patch.delenv(name)
        for name, value in {
            "DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": url,
            "WAREHOUSE": str(county_warehouse),
            "FEEDBACK_KEY": "cli-test-key",
            "FEEDBACK_PUBLIC_URL": PUBLIC,
        }.items():
            patch.setenv(f"TILANNEKUVA_{name}", value)
        yield Configured(url, tmp_path, unit_id, unit_name)


def feedback(*args: str) -> Result:
    return CliRunner().invoke(app, ["feedback", *args], env={"COLUMNS": "200"})


def visit_args(contact: str, unit: str, *extra: str) -> list[str]:
    return [
        "visit", "--contact", contact, "--person", "p-1", "--age", "40", "--unit", unit,
        "--phone", "040 123 4567", *extra,
    ]  # fmt: skip


def opened(url: str, at: datetime | None = None) -> FeedbackStore:
    """The store the commands use; ``at`` fixes its clock (an answer stored an hour ago)."""
    if at is None:
        return FeedbackStore.open(url)
    return FeedbackStore.open(url, clock=lambda: at)


def test_a_visit_is_invited_once_with_the_units_name(configured: Configured) -> None:
    first = feedback(*visit_args("c-1", configured.unit_id))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("invited tk-inv-")
    invitation_id = first.output.split()[1].rstrip(",")
    again = feedback(*visit_args("c-1", configured.unit_id))
    assert again.output.strip() == f"skipped: duplicate ({invitation_id})"
    store = opened(configured.url)
    try:
        (message,) = store.outbox()
    finally:
        store.close()
    questionnaire = load_questionnaire()
    expected = questionnaire.sms.invitation["fi"].format(unit=configured.unit_name, days=7)
    assert (message.to_phone, message.body) == (PHONE, expected)


def test_a_visit_is_validated_like_the_api(configured: Configured) -> None:
    refused = feedback(*visit_args("c-1", configured.unit_id, "--phone", "12345"))
    assert refused.exit_code == 1
    assert "phone" in refused.output and "country code" in refused.output


def test_a_skipped_visit_says_why(configured: Configured) -> None:
    young = feedback(*visit_args("c-1", configured.unit_id, "--age", "12"))
    assert young.output.strip() == "skipped: too_young"


@contextmanager
def invitation_due_at(
    configured: Configured, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeGateway]:
    """One invited visit due now (no window, no delay), and a fake gateway configured."""
    monkeypatch.setenv("TILANNEKUVA_FEEDBACK_WINDOW_START", "00:00")
    monkeypatch.setenv("TILANNEKUVA_FEEDBACK_WINDOW_END", "23:59:59")
    monkeypatch.setenv("TILANNEKUVA_FEEDBACK_DELAY_MINUTES", "0")
    ended = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert feedback(*visit_args("c-1", configured.unit_id, "--ended-at", ended)).exit_code == 0
    with FakeGateway(None, None, token="gateway-token") as gateway:
        monkeypatch.setenv("TILANNEKUVA_SMS_GATEWAY_URL", gateway.url)
        monkeypatch.setenv("TILANNEKUVA_SMS_GATEWAY_TOKEN", "gateway-token")
        yield gateway


def test_the_worker_sends_the_invitation_through_the_gateway(
    configured: Configured, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invitation_due_at(configured, monkeypatch) as gateway:
        ran = feedback("worker", "--once")
        assert ran.exit_code == 0, ran.output
        assert ran.output.startswith("sent 1,")
        (message,) = gateway.messages_to(PHONE)
    assert configured.unit_name in message.text


def test_after_an_outage_the_worker_can_send_at_once_instead_of_backing_off(
    configured: Configured, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invitation_due_at(configured, monkeypatch) as gateway:
        gateway.outage(True)
        assert feedback("worker", "--once").output.startswith("sent 0, retried 1,")
        gateway.outage(False)
        assert feedback("worker", "--once").output.startswith("sent 0, retried 0,")  # backing off
        ran = feedback("worker", "--once", "--now")
        assert ran.exit_code == 0, ran.output
        assert "sent 1," in ran.output
        assert len(gateway.messages_to(PHONE)) == 1


def test_the_worker_needs_a_gateway(configured: Configured) -> None:
    refused = feedback("worker", "--once")
    assert refused.exit_code == 1
    assert "sms_gateway_url" in refused.output


def test_kiosks_are_added_listed_and_disabled(configured: Configured) -> None:
    added = feedback("kiosk", "add", "--unit", configured.unit_id, "--label", "Aula")
    assert added.exit_code == 0, added.output
    kiosk_id, address = added.output.strip().split("\t")
    assert address == f"{PUBLIC}/kiosk/{kiosk_id}"
    assert feedback("kiosk", "disable", kiosk_id).output.strip() == f"{kiosk_id} disabled"
    listed = feedback("kiosk", "list").output.splitlines()
    assert listed[0] == "kiosk\tunit\tlabel\tlanguage\tstatus\taddress"
    assert listed[1].split("\t") == [
        kiosk_id,
        configured.unit_id,
        "Aula",
        "fi",
        "disabled",
        address,
    ]
    store = opened(configured.url)
    try:
        kiosk = store.kiosk(kiosk_id)
    finally:
        store.close()
    assert kiosk is not None and kiosk.service_area == "reception"  # from the warehouse


def test_an_unknown_kiosk_cannot_be_disabled(configured: Configured) -> None:
    assert feedback("kiosk", "disable", "nope").exit_code == 1


def test_pulse_links_are_one_time_links_for_a_unit_and_month(configured: Configured) -> None:
    printed = feedback("pulse-links", "--unit", "U1", "--period", "2026-03", "--count", "3")
    assert printed.exit_code == 0, printed.output
    links = printed.output.split()
    assert len(links) == len(set(links)) == 3
    assert all(link.startswith(f"{PUBLIC}/pulse/") for link in links)
    store = opened(configured.url)
    try:
        link = store.pulse_token(links[0].rsplit("/", 1)[1])
    finally:
        store.close()
    assert link is not None and (link.unit_id, link.period) == ("U1", "2026-03")


def test_pulse_links_need_a_month(configured: Configured) -> None:
    refused = feedback("pulse-links", "--unit", "U1", "--period", "3/2026", "--count", "3")
    assert refused.exit_code == 1 and "YYYY-MM" in refused.output


def add_answer(url: str, key: str, unit: str, at: datetime) -> None:
    store = opened(url, at)
    try:
        store.record_answer(
            Answer(
                answer_key=key, unit_id=unit, channel="kiosk", language="fi",
                questionnaire_version="national-1", submitted_at=at, nps=10,
                free_text="Nimeni on Matti Meikäläinen",
            )
        )  # fmt: skip
    finally:
        store.close()


def test_export_national_delivers_new_answers_once(
    configured: Configured, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILANNEKUVA_FEEDBACK_PROVIDER_ID", "kainuu-oid")
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    add_answer(configured.url, "kiosk:k:1", configured.unit_id, an_hour_ago)
    out = configured.folder / "national"
    first = feedback("export-national", "--out", str(out))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("1 responses in tilannekuva-national-feedback-v0-000000001")
    (data,) = out.glob("*.csv")
    with data.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["provider_id"], row["unit_name"], row["nps"]) == (
        "kainuu-oid",
        configured.unit_name,
        "10",
    )
    assert "Matti" not in data.read_text(encoding="utf-8")
    second = feedback("export-national", "--out", str(out))
    assert second.output.strip() == "nothing new to deliver (delivered up to store id 1)"


def test_export_national_reexports_a_period(configured: Configured) -> None:
    add_answer(configured.url, "kiosk:k:1", "U1", datetime(2026, 3, 10, 10, tzinfo=UTC))
    out = configured.folder / "again"
    ran = feedback(
        "export-national", "--out", str(out), "--since", "2026-03-01", "--until",
        "2026-03-31", "--provider", "kainuu-oid",
    )  # fmt: skip
    assert ran.exit_code == 0, ran.output
    assert "reexport-20260301-20260331" in ran.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no provider id"),
        (["--provider", "x", "--since", "2026-03-01"], "both --since and --until"),
        (["--provider", "x", "--since", "1.3.2026", "--until", "2026-03-31"], "YYYY-MM-DD"),
        (["--provider", "x", "--since", "2026-03-31", "--until", "2026-03-01"], "before"),
    ],
)
def test_export_national_refuses_unclear_requests(
    configured: Configured, args: list[str], message: str
) -> None:
    refused = feedback("export-national", "--out", str(configured.folder / "x"), *args)
    assert refused.exit_code == 1
    assert message in refused.output


def test_status_counts_what_the_service_holds(configured: Configured) -> None:
    feedback(*visit_args("c-1", configured.unit_id))
    add_answer(configured.url, "kiosk:k:1", "U1", datetime.now(UTC))
    shown = feedback("status")
    assert shown.exit_code == 0, shown.output
    lines = {" ".join(line.replace("│", " ").split()) for line in shown.output.splitlines()}
    for expected in (
        "invitations 1",
        "invitations sent 0",
        "answers: kiosk 1",
        "answers in all 1",
        "outbox: pending 1",
        "opt-outs 0",
        "staff pulse answers 0",
    ):
        assert expected in lines, (expected, shown.output)
