"""The Hilmo *Yhteystapa* code table that maps a contact type to its channel and flags.

Shipped as ``codes/contact_types.csv`` (extract-v1 §contacts); an analyst may override it by
placing ``codes/contact_types.csv`` in the extract folder. Labels marked unconfirmed in the spec
(R50, R51, R55) follow the register researchers' grouping (``domain.md`` §1.4).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

IN_PERSON_CHANNELS = ("in_person", "home_visit", "other_visit")
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


class CodeTableError(ValueError):
    """The code table itself is malformed (names the file, line and field)."""


@dataclass(frozen=True)
class ContactType:
    code: str
    label_fi: str
    channel: str
    remote: bool
    customer_contact: bool
    is_visit: bool


def _flag(value: str, where: str) -> bool:
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise CodeTableError(f"{where}: expected true/false, got {value!r}")


def parse_contact_types(text: str, source: str) -> dict[str, ContactType]:
    """Parse a contact-type table; raises :class:`CodeTableError` naming the bad line."""
    rows = csv.DictReader(text.lstrip("\ufeff").splitlines())
    needed = {"code", "channel", "remote", "customer_contact", "is_visit"}
    missing = needed - set(rows.fieldnames or ())
    if missing:
        raise CodeTableError(f"{source}: missing columns {', '.join(sorted(missing))}")
    table: dict[str, ContactType] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{source} line {line}"
        code = (row["code"] or "").strip()
        if not code:
            raise CodeTableError(f"{where}: empty code")
        table[code] = ContactType(
            code=code,
            label_fi=(row.get("label_fi") or "").strip(),
            channel=(row["channel"] or "").strip(),
            remote=_flag(row["remote"] or "", f"{where}, remote"),
            customer_contact=_flag(row["customer_contact"] or "", f"{where}, customer_contact"),
            is_visit=_flag(row["is_visit"] or "", f"{where}, is_visit"),
        )
    return table


def default_contact_types() -> dict[str, ContactType]:
    """The table shipped with the product."""
    text = (
        resources.files("tilannekuva.model").joinpath("codes/contact_types.csv").read_text("utf-8")
    )
    return parse_contact_types(text, "codes/contact_types.csv (shipped)")


def contact_types_for_extract(extract_dir: Path) -> dict[str, ContactType]:
    """The extract's own ``codes/contact_types.csv`` when present, else the shipped table."""
    override = extract_dir / "codes" / "contact_types.csv"
    if override.is_file():
        return parse_contact_types(override.read_text("utf-8"), str(override))
    return default_contact_types()
