"""The feedback store's part for waiting-room kiosks fixed to a unit.

A kiosk is a tablet in a waiting room that anyone may answer on without signing in. Its
address (``/kiosk/<kiosk_id>``) is therefore the only thing that ties an answer to a unit, so
kiosk ids are random (``new_id("kiosk")``): a stranger cannot post answers to an arbitrary
unit by guessing ids. A kiosk taken out of use is deactivated, not deleted, so the answers it
collected still name an existing kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tilannekuva.feedback.store.core import StoreCore
from tilannekuva.feedback.store.models import KioskRow
from tilannekuva.feedback.tokens import new_id

KIOSK_LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Kiosk:
    """A waiting-room tablet; ``language`` is the language its form opens in."""

    kiosk_id: str
    unit_id: str
    service_area: str | None
    label: str
    language: str
    active: bool
    created_at: datetime


def _kiosk(row: KioskRow) -> Kiosk:
    return Kiosk(
        row.kiosk_id,
        row.unit_id,
        row.service_area,
        row.label,
        row.language,
        row.active,
        row.created_at,
    )


class KiosksMixin(StoreCore):
    """Operations on waiting-room kiosks fixed to a unit."""

    def add_kiosk(
        self,
        unit_id: str,
        label: str,
        language: str,
        service_area: str | None = None,
        kiosk_id: str | None = None,
    ) -> Kiosk:
        """Register a kiosk for ``unit_id``; a random id unless one is given (the demo)."""
        if language not in KIOSK_LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(KIOSK_LANGUAGES)}")
        if not unit_id or not label.strip():
            raise ValueError("a kiosk needs a unit and a label")
        row = KioskRow(
            kiosk_id=kiosk_id or new_id("kiosk"),
            unit_id=unit_id,
            service_area=service_area,
            label=label.strip(),
            language=language,
            active=True,
            created_at=self.now(),
        )
        with self._writing(), self._session() as session, session.begin():
            session.add(row)
        return _kiosk(row)

    def kiosk(self, kiosk_id: str) -> Kiosk | None:
        """The kiosk (active or not), or None for an unknown id."""
        with self._session() as session:
            row = session.get(KioskRow, kiosk_id)
            return _kiosk(row) if row is not None else None

    def kiosks(self) -> list[Kiosk]:
        """Every kiosk, by unit and label."""
        with self._session() as session:
            rows = session.scalars(
                select(KioskRow).order_by(KioskRow.unit_id, KioskRow.label, KioskRow.kiosk_id)
            )
            return [_kiosk(row) for row in rows]

    def set_kiosk_active(self, kiosk_id: str, active: bool) -> Kiosk:
        """Take a kiosk out of use (its page answers 404) or back into use."""
        with self._writing(), self._session() as session, session.begin():
            row = session.get(KioskRow, kiosk_id)
            if row is None:
                raise LookupError(f"no kiosk {kiosk_id}")
            row.active = active
            return _kiosk(row)
