"""``tilannekuva feedback``: the customer feedback service from the command line.

For operators and the demo: announce a visit exactly as the patient-record integration does
through ``POST /api/v1/events/visits`` (same validation, same policy), run the SMS outbox
worker, register waiting-room kiosks, print staff pulse links, deliver responses to the
national collection, and count what the service holds. Every command works on the feedback
store named by the setting ``database_url`` (created and migrated when needed) with the
feedback settings of ``docs/operations.md``. Exit status 1: the input is refused (one line
per problem); 2: the store cannot be opened.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.invitations import Decision, invite
from tilannekuva.feedback.national_export import deliver_new, reexport
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.sms.http_gateway import HttpGateway
from tilannekuva.feedback.sms.outbox_worker import OutboxWorker
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.models import InvitationRow, OptOutRow, ResponseRow
from tilannekuva.settings import get_settings
from tilannekuva.warehouse import WarehouseBusy, WarehouseMissing, connect
from tilannekuva.web.api.events import VisitEvent, announced_visit
from tilannekuva.web.config import feedback_config_from_settings
from tilannekuva.web.snapshot import UnitInfo

REFUSED_EXIT = 1
STORE_EXIT = 2
DEFAULT_PULSE_DAYS = 14

app = typer.Typer(
    help="The customer feedback service: visits, the SMS worker, kiosks, the staff pulse, "
    "the national export and counts.",
    no_args_is_help=True,
)
kiosk_app = typer.Typer(help="Waiting-room kiosks fixed to a unit.", no_args_is_help=True)
app.add_typer(kiosk_app, name="kiosk")


@dataclass(frozen=True)
class FeedbackContext:
    """What every command needs: the feedback configuration and where the data live."""

    config: FeedbackConfig
    store_url: str
    warehouse: Path


def _feedback_context() -> FeedbackContext:
    settings = get_settings()
    return FeedbackContext(
        feedback_config_from_settings(settings),
        settings.database_url_text,
        settings.warehouse_path,
    )


def _fail(message: str, code: int = REFUSED_EXIT) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _opened_store(context: FeedbackContext) -> Iterator[FeedbackStore]:
    try:
        store = FeedbackStore.open(context.store_url)
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0]
        raise _fail(f"cannot open the feedback store: {reason}", STORE_EXIT) from None
    try:
        yield store
    finally:
        store.close()


def _units(warehouse: Path) -> dict[str, UnitInfo]:
    """The current load's units by id; none when nothing is loaded (names fall back to ids)."""
    try:
        connection = connect(warehouse, read_only=True, wait_seconds=5)
    except (WarehouseMissing, WarehouseBusy):
        return {}
    try:
        records = connection.execute(
            "SELECT unit_id, name, municipality_code, service_area, parent_id FROM units"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        connection.close()
    return {str(r[0]): UnitInfo(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4]) for r in records}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(decision: Decision) -> str:
    if decision.invited:
        assert decision.send_after is not None
        return f"invited {decision.invitation_id}, SMS after {_utc(decision.send_after)}"
    line = f"skipped: {decision.reason}"
    if decision.invitation_id:
        line += f" ({decision.invitation_id})"
    return line


# --- visit -----------------------------------------------------------------------------------


@app.command("visit")
def visit(
    contact: Annotated[str, typer.Option("--contact", help="The contact's id.")],
    person: Annotated[str, typer.Option("--person", help="The person's id (keyed, not kept).")],
    unit: Annotated[str, typer.Option("--unit", help="The unit's id.")],
    age: Annotated[int | None, typer.Option("--age", help="Age at the visit.")] = None,
    birth_date: Annotated[
        str | None, typer.Option("--birth-date", help="YYYY-MM-DD (instead of --age).")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Phone number.")] = None,
    language: Annotated[str, typer.Option("--language", help="fi, sv or en.")] = "fi",
    ended_at: Annotated[
        str | None, typer.Option("--ended-at", help="ISO 8601 with offset; default: now.")
    ] = None,
    service_area: Annotated[
        str | None, typer.Option("--service-area", help="Default: the unit's.")
    ] = None,
    contact_type: Annotated[
        str | None, typer.Option("--contact-type", help="Yhteystapa code.")
    ] = None,
    unit_name: Annotated[
        str | None, typer.Option("--unit-name", help="When the load lacks the unit.")
    ] = None,
) -> None:
    """Announce a finished visit, as the patient-record integration does through the API."""
    context = _feedback_context()
    try:
        event = VisitEvent.model_validate(
            {
                "contact_id": contact,
                "person_id": person,
                "birth_date": birth_date,
                "age": age,
                "unit_id": unit,
                "unit_name": unit_name,
                "service_area": service_area,
                "contact_type": contact_type,
                "ended_at": ended_at or datetime.now(UTC).isoformat(),
                "phone": phone,
                "language": language,
            }
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'visit'}: {item['msg']}"
            for item in error.errors()
        )
        raise _fail(problems) from None
    visit_, name = announced_visit(event, context.config, _units(context.warehouse).get(unit))
    questionnaire = load_questionnaire(context.config.questionnaire_file)
    with _opened_store(context) as store:
        decision = invite(store, context.config, questionnaire, visit_, unit_name=name)
    typer.echo(_describe(decision))


# --- worker ----------------------------------------------------------------------------------


@app.command("worker")
def worker(
    once: Annotated[bool, typer.Option("--once", help="Send what is due now, then stop.")] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.1, help="Seconds between looks at the outbox.")
    ] = 2.0,
    now: Annotated[
        bool,
        typer.Option(
            "--now", help="Bring every waiting retry forward first (the gateway is back)."
        ),
    ] = False,
) -> None:
    """Send the SMS outbox through the configured gateway, retrying with back-off."""
    context = _feedback_context()
    config = context.config
    if not config.gateway_url or not config.gateway_token:
        raise _fail("no SMS gateway configured (settings sms_gateway_url, sms_gateway_token)")
    gateway = HttpGateway(config.gateway_url, config.gateway_token, config.sender)
    with _opened_store(context) as store:
        outbox = OutboxWorker(
            store, gateway, config.policy, phone_key_secret=config.phone_key_secret
        )
        try:
            if now:
                typer.echo(f"{store.retry_now()} waiting messages are due now", err=True)
            if once:
                counts = outbox.run_once()
                typer.echo(
                    f"sent {counts.sent}, retried {counts.retried}, failed {counts.failed}, "
                    f"cancelled {counts.cancelled}, given up {counts.expired}"
                )
                return
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            typer.echo(f"sending through {config.gateway_url}; Ctrl+C stops", err=True)
            outbox.start(interval)
            try:
                while not stop.wait(1.0):
                    pass
            except KeyboardInterrupt:
                pass
            typer.echo("stopped", err=True)
        finally:
            outbox.close()
            gateway.close()


# --- kiosks ----------------------------------------------------------------------------------


@kiosk_app.command("add")
def kiosk_add(
    unit: Annotated[str, typer.Option("--unit", help="The unit's id.")],
    label: Annotated[str, typer.Option("--label", help="Where it stands, e.g. 'Lobby'.")],
    language: Annotated[str, typer.Option("--language", help="fi, sv or en.")] = "fi",
    service_area: Annotated[
        str | None, typer.Option("--service-area", help="Default: the unit's.")
    ] = None,
) -> None:
    """Register a kiosk and print its address."""
    context = _feedback_context()
    known = _units(context.warehouse).get(unit)
    area = service_area or (known.service_area if known else None)
    with _opened_store(context) as store:
        try:
            added = store.add_kiosk(unit, label, language, service_area=area)
        except ValueError as error:
            raise _fail(str(error)) from None
    typer.echo(f"{added.kiosk_id}\t{context.config.public_base_url}/kiosk/{added.kiosk_id}")


@kiosk_app.command("list")
def kiosk_list() -> None:
    """List the kiosks, one per line (tab-separated)."""
    context = _feedback_context()
    with _opened_store(context) as store:
        kiosks = store.kiosks()
    typer.echo("kiosk\tunit\tlabel\tlanguage\tstatus\taddress")
    for kiosk in kiosks:
        status = "active" if kiosk.active else "disabled"
        address = f"{context.config.public_base_url}/kiosk/{kiosk.kiosk_id}"
        fields = (kiosk.kiosk_id, kiosk.unit_id, kiosk.label, kiosk.language, status, address)
        typer.echo("\t".join(fields))


def _set_kiosk(kiosk_id: str, active: bool) -> None:
    with _opened_store(_feedback_context()) as store:
        try:
            store.set_kiosk_active(kiosk_id, active)
        except LookupError as error:
            raise _fail(str(error)) from None
    typer.echo(f"{kiosk_id} {'enabled' if active else 'disabled'}")


@kiosk_app.command("disable")
def kiosk_disable(kiosk_id: Annotated[str, typer.Argument(help="The kiosk's id.")]) -> None:
    """Take a kiosk out of use (its page answers 404); its answers stay."""
    _set_kiosk(kiosk_id, False)


@kiosk_app.command("enable")
def kiosk_enable(kiosk_id: Annotated[str, typer.Argument(help="The kiosk's id.")]) -> None:
    """Put a disabled kiosk back into use."""
    _set_kiosk(kiosk_id, True)


# --- staff pulse -----------------------------------------------------------------------------


@app.command("pulse-links")
def pulse_links(
    unit: Annotated[str, typer.Option("--unit", help="The unit's id.")],
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    count: Annotated[int, typer.Option("--count", min=1, help="How many links.")],
    valid_days: Annotated[
        int, typer.Option("--valid-days", min=1, help="Days the links stay open.")
    ] = DEFAULT_PULSE_DAYS,
) -> None:
    """Print one-time anonymous staff pulse links for a unit and month, one per line."""
    context = _feedback_context()
    with _opened_store(context) as store:
        try:
            tokens = store.create_pulse_links(unit, period, count, valid_days)
        except ValueError as error:
            raise _fail(str(error)) from None
    for token in tokens:
        typer.echo(f"{context.config.public_base_url}/pulse/{token}")


# --- national export -------------------------------------------------------------------------


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} must be a date YYYY-MM-DD, not {value!r}") from None


@app.command("export-national")
def export_national(
    out: Annotated[Path, typer.Option("--out", help="Destination folder.", file_okay=False)],
    since: Annotated[
        str | None, typer.Option("--since", help="Re-export from this local date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Re-export to this local date, included.")
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Provider id; default: the setting.")
    ] = None,
) -> None:
    """Deliver new responses to the national collection (or re-export a period)."""
    context = _feedback_context()
    provider_id = provider or context.config.provider_id
    if not provider_id:
        raise _fail("no provider id: give --provider or set feedback_provider_id")
    first, last = _day(since, "--since"), _day(until, "--until")
    if (first is None) != (last is None):
        raise _fail("a re-export needs both --since and --until")
    names = {unit_id: unit.name for unit_id, unit in _units(context.warehouse).items()}
    with _opened_store(context) as store:
        if first is not None and last is not None:
            try:
                delivery = reexport(
                    store, out, since=first, until=last, provider_id=provider_id, unit_names=names
                )
            except ValueError as error:
                raise _fail(str(error)) from None
        else:
            delivery = deliver_new(store, out, provider_id=provider_id, unit_names=names)
    if delivery.batch is None:
        typer.echo(f"nothing new to deliver (delivered up to store id {delivery.watermark})")
        return
    typer.echo(f"{delivery.rows} responses in {delivery.batch.name}")
    for path in delivery.files:
        typer.echo(str(path))


# --- status ----------------------------------------------------------------------------------


@app.command("status")
def status() -> None:
    """Count invitations, answers by channel, the outbox by status and opt-outs."""
    context = _feedback_context()
    with _opened_store(context) as store, Session(store.engine) as session:
        invitations = int(session.scalar(select(func.count()).select_from(InvitationRow)) or 0)
        sent = int(session.scalar(select(func.count(InvitationRow.sent_at))) or 0)
        answers = {
            channel: int(count)
            for channel, count in session.execute(
                select(ResponseRow.channel, func.count()).group_by(ResponseRow.channel)
            )
        }
        outbox = store.outbox_counts()
        opt_outs = int(session.scalar(select(func.count()).select_from(OptOutRow)) or 0)
        pulse = store.count_pulse_answers()
    table = Table("what", "count", title="Feedback service", title_justify="left")
    table.add_row("invitations", str(invitations))
    table.add_row("invitations sent", str(sent))
    for channel, count in sorted(answers.items()):
        table.add_row(f"answers: {channel}", str(count))
    table.add_row("answers in all", str(sum(answers.values())))
    for state, count in sorted(outbox.items()):
        table.add_row(f"outbox: {state}", str(count))
    table.add_row("opt-outs", str(opt_outs))
    table.add_row("staff pulse answers", str(pulse))
    Console().print(table)
