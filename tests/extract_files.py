"""Writing small, hand-made extracts for tests: one CSV text per table.

``MINIMAL`` holds the smallest valid units/persons/contacts; tests override what they need.
"""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

UNITS = """\
unit_id,name,municipality_code,service_area,parent_id
u1,Kajaanin terveysasema,205,reception,
u2,Kajaanin hammashoitola,205,oral,u1
"""
PERSONS = """\
person_id,birth_date,sex,municipality_code
p1,1980-02-29,2,205
p2,2005-06-01,1,205
"""
CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at
c1,p1,u1,2025-03-03T10:00:00,R10,doctor,nonurgent,,,,
"""
MINIMAL = {"units": UNITS, "persons": PERSONS, "contacts": CONTACTS}


def write_extract(
    folder: Path, tables: dict[str, str], *, meta: dict[str, str] | None = None
) -> Path:
    """Write ``<table>.csv`` files (text dedented) and optionally ``extract.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(dedent(text), encoding="utf-8")
    if meta is not None:
        (folder / "extract.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder
