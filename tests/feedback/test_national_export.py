"""Delivery to the national collection: the v0 files, each response exactly once, no free text."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.feedback.feedback_stores import MovableClock, clock, feedback_store, postgres_database
from tilannekuva.feedback.national_export import (
    SETTLE_LAG,
    V0_COLUMNS,
    CsvManifestV0,
    ExportBatch,
    deliver_new,
    read_watermark,
    reexport,
)
from tilannekuva.feedback.store import Answer, FeedbackStore, NewInvitation

__all__ = ["clock", "feedback_store", "postgres_database"]

PROVIDER = "1.2.246.10.99999999.10.0"  # an organisation OID, as the county would give it
NAMES = {"U1": "Kajaanin terveysasema, vastaanotto"}


def answer(
    store: FeedbackStore,
    key: str,
    *,
    at: datetime,
    channel: str = "kiosk",
    unit: str = "U1",
    nps: int | None = 9,
    statements: dict[str, int] | None = None,
    invitation_id: str | None = None,
    free_text: str | None = None,
) -> str:
    recorded = store.record_answer(
        Answer(
            answer_key=key,
            unit_id=unit,
            channel=channel,
            language="sv",
            questionnaire_version="national-1",
            submitted_at=at,
            invitation_id=invitation_id,
            service_area="reception",
            nps=nps,
            statements=statements or {},
            free_text=free_text,
        )
    )
    return recorded.answer.response_id


def sms_invitation(store: FeedbackStore, contact: str) -> str:
    invitation, _ = store.record_invitation(
        NewInvitation(
            contact_id=contact, unit_id="U1", person_key="k", channel="sms", language="fi",
            questionnaire_version="national-1", send_after=store.now(),
            valid_for=timedelta(days=7), service_area="reception",
        )
    )  # fmt: skip
    return invitation.invitation_id


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def settle(clock: MovableClock) -> None:
    clock.advance(seconds=SETTLE_LAG.total_seconds() + 1)


def test_the_v0_files_carry_each_response_with_its_background_items(
    feedback_store: FeedbackStore, clock: MovableClock, tmp_path: Path
) -> None:
    late_evening = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # 00:30 on 10 March in Helsinki
    first = answer(
        feedback_store,
        "kiosk:k1:n1",
        at=late_evening,
        statements={"s1": 5, "s2": 0, "s4": 3},
        free_text="Lääkäri Virtanen oli mukava, soita 040 123 4567",
    )
    answer(feedback_store, "kiosk:k1:n2", at=late_evening, unit="U2", nps=None)
    settle(clock)
    delivery = deliver_new(feedback_store, tmp_path, provider_id=PROVIDER, unit_names=NAMES)
    data, manifest_path = delivery.files
    assert data.name == "tilannekuva-national-feedback-v0-000000001.csv"
    assert manifest_path.name == "tilannekuva-national-feedback-v0-000000001.manifest.json"
    raw = data.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert tuple(rows[0]) == V0_COLUMNS
    assert rows[0] == {
        "response_id": first,
        "submitted_at": "2026-03-09T22:30:00Z",
        "submitted_local_date": "2026-03-10",
        "channel": "kiosk",
        "provider_id": PROVIDER,
        "unit_id": "U1",
        "unit_name": "Kajaanin terveysasema, vastaanotto",
        "service_area": "reception",
        "nps": "9",
        "s1": "5",
        "s2": "0",  # "cannot say" stays 0
        "s3": "",  # not asked or not answered is empty
        "s4": "3",
        "s5": "",
        "s6": "",
        "s7": "",
        "questionnaire_version": "national-1",
        "language": "sv",
    }
    assert (rows[1]["unit_id"], rows[1]["unit_name"], rows[1]["nps"]) == ("U2", "", "")
    # the comment never leaves (its name and number); ids are random hex, so "040" alone could be
    assert b"Virtanen" not in raw and b"123 4567" not in raw and b"040 123" not in raw
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["format"] == "tilannekuva-national-feedback"
    assert manifest["format_version"] == "0"
    assert manifest["kind"] == "incremental"
    assert manifest["row_count"] == 2
    assert manifest["data_file"] == data.name
    assert manifest["sha256"] == hashlib.sha256(raw).hexdigest()
    assert manifest["questionnaire_versions"] == ["national-1"]
    assert manifest["provider_id"] == PROVIDER
    assert manifest["period"] == {"start": "2026-03-09T22:30:00Z", "end": "2026-03-09T22:30:00Z"}
    assert manifest["created_at"] == "2026-03-10T10:10:01Z"


def test_each_response_is_delivered_exactly_once_across_runs(
    feedback_store: FeedbackStore, clock: MovableClock, tmp_path: Path
) -> None:
    for n in range(3):
        answer(feedback_store, f"kiosk:k1:a{n}", at=clock.at)
    settle(clock)
    assert deliver_new(feedback_store, tmp_path, provider_id=PROVIDER).rows == 3
    nothing = deliver_new(feedback_store, tmp_path, provider_id=PROVIDER)
    assert (nothing.batch, nothing.files, nothing.watermark) == (None, (), 3)
    newer = answer(feedback_store, "kiosk:k1:b", at=clock.at)
    settle(clock)
    second = deliver_new(feedback_store, tmp_path, provider_id=PROVIDER)
    assert [row.response_id for row in second.batch.rows] == [newer]  # type: ignore[union-attr]
    delivered = [
        row["response_id"] for path in sorted(tmp_path.glob("*.csv")) for row in read_csv(path)
    ]
    assert len(delivered) == len(set(delivered)) == 4
    state = json.loads((tmp_path / "delivered.json").read_text(encoding="utf-8"))
    assert state["last_store_id"] == 4 == read_watermark(tmp_path)
    assert [batch["rows"] for batch in state["batches"]] == [3, 1]


def test_a_response_waits_until_it_can_no_longer_change(
    feedback_store: FeedbackStore, clock: MovableClock, tmp_path: Path
) -> None:
    invitation = sms_invitation(feedback_store, "c-1")
    score = answer(feedback_store, "sms:m1", at=clock.at, channel="sms", invitation_id=invitation)
    kiosk = answer(feedback_store, "kiosk:k1:n1", at=clock.at)
    settle(clock)
    # The SMS score may still get its statements through the follow-up link: it waits, and
    # so does everything after it, so nothing is jumped over.
    assert deliver_new(feedback_store, tmp_path, provider_id=PROVIDER).rows == 0
    clock.advance(days=2)
    feedback_store.complete_answer(score, statements={"s1": 4}, own={}, free_text=None)
    clock.advance(days=5)  # the invitation has expired
    delivery = deliver_new(feedback_store, tmp_path, provider_id=PROVIDER)
    assert delivery.batch is not None
    assert [(row.response_id, row.statements[0]) for row in delivery.batch.rows] == [
        (score, 4),
        (kiosk, None),
    ]


def test_a_fresh_answer_waits_for_the_settling_lag(
    feedback_store: FeedbackStore, clock: MovableClock, tmp_path: Path
) -> None:
    answer(feedback_store, "kiosk:k1:n1", at=clock.at)
    clock.advance(minutes=5)
    assert deliver_new(feedback_store, tmp_path, provider_id=PROVIDER).rows == 0
    assert not (tmp_path / "delivered.json").exists()
    clock.advance(minutes=6)
    assert deliver_new(feedback_store, tmp_path, provider_id=PROVIDER).rows == 1


class StopsAfterWriting(CsvManifestV0):
    """The v0 adapter, in a process that dies after writing the files."""

    def write(self, batch: ExportBatch, destination: Path) -> list[Path]:
        super().write(batch, destination)
        raise KeyboardInterrupt


def test_a_run_interrupted_before_the_watermark_rewrites_the_same_batch(
    feedback_store: FeedbackStore, clock: MovableClock, tmp_path: Path
) -> None:
    answer(feedback_store, "kiosk:k1:n1", at=clock.at)
    settle(clock)
    with pytest.raises(KeyboardInterrupt):
        deliver_new(feedback_store, tmp_path, provider_id=PROVIDER, adapter=StopsAfterWriting())
    answer(feedback_store, "kiosk:k1:n2", at=clock.at)
    settle(clock)
    delivery = deliver_new(feedback_store, tmp_path, provider_id=PROVIDER)
    assert delivery.rows == 2
    assert [path.name for path in tmp_path.glob("*.csv")] == [delivery.files[0].name]
    assert not list(tmp_path.glob(".*.partial"))


def test_a_reexport_repeats_a_period_without_moving_the_watermark(
    feedback_store: FeedbackStore, clock: MovableClock, tmp_path: Path
) -> None:
    march_9_local = datetime(2026, 3, 9, 21, 59, tzinfo=UTC)  # 23:59 on 9 March in Helsinki
    march_10_local = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # 00:00 on 10 March
    answer(feedback_store, "kiosk:k1:n1", at=march_9_local)
    inside = answer(feedback_store, "kiosk:k1:n2", at=march_10_local)
    settle(clock)
    deliver_new(feedback_store, tmp_path, provider_id=PROVIDER)
    again = reexport(
        feedback_store,
        tmp_path,
        since=date(2026, 3, 10),
        until=date(2026, 3, 10),
        provider_id=PROVIDER,
    )
    assert again.batch is not None and again.batch.kind == "re-export"
    assert [row["response_id"] for row in read_csv(again.files[0])] == [inside]
    manifest = json.loads(again.files[1].read_text(encoding="utf-8"))
    assert manifest["period"] == {"start": "2026-03-09T22:00:00Z", "end": "2026-03-10T22:00:00Z"}
    assert read_watermark(tmp_path) == 2 == again.watermark


def test_a_reexport_needs_a_period_in_order(feedback_store: FeedbackStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="before"):
        reexport(
            feedback_store,
            tmp_path,
            since=date(2026, 3, 10),
            until=date(2026, 3, 9),
            provider_id=PROVIDER,
        )


class Recording:
    """A future adapter: anything with a name, a version and ``write``."""

    format_name = "digifinland-feedback"
    format_version = "1"

    def __init__(self) -> None:
        self.batches: list[ExportBatch] = []

    def write(self, batch: ExportBatch, destination: Path) -> list[Path]:
        self.batches.append(batch)
        path = destination / f"{batch.name}.xml"
        path.write_text("<feedback/>", encoding="utf-8")
        return [path]


def test_another_format_plugs_in_as_an_adapter(
    feedback_store: FeedbackStore, clock: MovableClock, tmp_path: Path
) -> None:
    answer(feedback_store, "kiosk:k1:n1", at=clock.at)
    settle(clock)
    adapter = Recording()
    delivery = deliver_new(feedback_store, tmp_path, provider_id=PROVIDER, adapter=adapter)
    assert [path.name for path in delivery.files] == ["digifinland-feedback-v1-000000001.xml"]
    (batch,) = adapter.batches
    assert batch.provider_id == PROVIDER and len(batch.rows) == 1
    state = json.loads((tmp_path / "delivered.json").read_text(encoding="utf-8"))
    assert state["format"] == "digifinland-feedback-v1"
