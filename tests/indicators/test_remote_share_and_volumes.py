"""remote_contact_share_20plus (age at the contact) and the contact volume counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pytest

from tests.indicators.fixtures import CONTACT_HEADER, compute, contact, table
from tilannekuva.indicators.context import age_at

PERSONS = """\
person_id,birth_date,sex,municipality_code
adult,1980-05-05,2,205
teen,2005-03-15,1,205
"""


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2005, 3, 15), date(2025, 3, 14), 19),
        (date(2005, 3, 15), date(2025, 3, 15), 20),  # birthday: completed years
        (date(2004, 2, 29), date(2025, 2, 28), 20),  # common year: not yet on 28 Feb
        (date(2004, 2, 29), date(2025, 3, 1), 21),  # … but on 1 Mar
        (date(2004, 2, 29), date(2024, 2, 29), 20),  # leap year: on 29 Feb
        (date(2004, 2, 29), date(2024, 2, 28), 19),
        (date(1999, 12, 31), date(2025, 1, 1), 25),
    ],
)
def test_age_is_completed_years_with_29_february_on_1_march(
    birth: date, on: date, age: int
) -> None:
    t = ibis.memtable({"birth": [birth], "on": [on]})
    got = ibis.duckdb.connect().to_pyarrow(t.select(age=age_at(t.birth, t.on)))
    assert got.column("age").to_pylist() == [age]


def test_remote_share_counts_persons_aged_20_at_the_contact(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "persons": PERSONS,
            "contacts": table(
                CONTACT_HEADER,
                [
                    contact("c1", "2025-03-14T23:59:59", person="teen", contact_type="R50"),  # 19
                    # 2025-03-14T22:30Z is 15 Mar 00:30 local: already 20
                    contact("c2", "2025-03-14T22:30:00Z", person="teen", contact_type="R52"),
                    contact("c3", "2025-03-20T09:00:00", person="adult", contact_type="R10"),
                    contact("c4", "2025-03-20T09:00:00", person="adult", contact_type="R55"),
                    contact(
                        "c5", "2025-03-20T09:00:00", person="adult", contact_type="R60"
                    ),  # no customer
                    contact(
                        "c6", "2025-03-20T09:00:00", person="adult", contact_type="R56", unit="u2"
                    ),
                ],
            ),
        },
    )
    # u1: c2 (remote), c3, c4 (remote) → 2 / 3; u2: c6 remote → 1 / 1; county 3 / 4 = 75.0
    assert result.nd("remote_contact_share_20plus", "2025-03", "u1") == (2, 3)
    assert result.nd("remote_contact_share_20plus", "2025-03", "u2") == (1, 1)
    assert result.row("remote_contact_share_20plus", "2025", "").value == 75.0


def test_volumes_count_customer_contacts_by_channel(tmp_path: Path) -> None:
    codes = [
        "R10",
        "R20",
        "R30",
        "R50",
        "R52",
        "R55",
        "R56",
        "R51",
        "R60",
        "R71",
        "R72",
        "R80",
        "R90",
    ]
    rows = [
        contact(f"c{i}", "2025-05-05T09:00:00", contact_type=code) for i, code in enumerate(codes)
    ]
    rows.append(contact("only_admin", "2025-05-05T09:00:00", unit="u2", contact_type="R72"))
    rows.append(contact("only_remote", "2025-05-05T09:00:00", unit="u3", contact_type="R56"))
    result = compute(tmp_path, {"contacts": table(CONTACT_HEADER, rows)})
    # Customer contacts: R10 R20 R30 R50 R52 R55 R56 R51 = 8; remote: R50 R52 R55 R56 R51 = 5;
    # in person (in_person, home_visit, other_visit): R10 R20 R30 = 3.
    row = result.row("contacts_total", "2025-05", "u1")
    assert (row.numerator, row.denominator, row.value) == (None, None, 8)
    assert result.row("contacts_remote", "2025-Q2", "u1").value == 5
    assert result.row("contacts_in_person", "2025", "u1").value == 3
    # u2 has only an admin contact: no rows at all; u3 only a remote one: no in-person row.
    assert not [row for row in result.rows if row.unit_id == "u2"]
    assert result.row("contacts_remote", "2025-05", "u3").value == 1
    assert result.get("contacts_in_person", "2025-05", "u3") is None
    assert result.row("contacts_total", "2025", "").value == 9
