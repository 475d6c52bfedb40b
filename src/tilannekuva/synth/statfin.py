"""Derive the synthetic county's population table from Statistics Finland table 11re.

The published file (``statfin_11re_2019_population_by_municipality_age_sex.csv``: ISO-8859-1,
semicolon-separated, title lines before the header, areas named not coded) is read once by
:func:`derive_kainuu_population` and reduced to the eight Kainuu municipalities, one row per
municipality, age and sex, with the Statistics Finland municipality code added. The result ships
as ``synth/data/kainuu_population_2019.csv`` so the package never needs the national file.
Source: Statistics Finland, table 11re, 31.12.2019, CC BY 4.0 (see ``synth/data/README.md``).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# Statistics Finland municipality codes of the Kainuu wellbeing county (domain.md §10).
KAINUU_CODES: dict[str, str] = {
    "Hyrynsalmi": "105",
    "Kajaani": "205",
    "Kuhmo": "290",
    "Paltamo": "578",
    "Puolanka": "620",
    "Ristijärvi": "697",
    "Sotkamo": "765",
    "Suomussalmi": "777",
}
DERIVED_HEADER = ("municipality_code", "municipality", "age", "sex", "count")
_TOTAL_AGE = "Yhteensä"
_OLDEST = "100 -"


def read_statfin_rows(path: Path) -> list[tuple[str, int, int, int]]:
    """``(area, age, males, females)`` of every single-year row; 100+ becomes age 100."""
    rows: list[tuple[str, int, int, int]] = []
    with path.open(encoding="iso-8859-1", newline="") as handle:
        for record in csv.reader(handle, delimiter=";"):
            if len(record) != 5 or record[1] in ("Ikä", _TOTAL_AGE):
                continue
            age = 100 if record[1] == _OLDEST else int(record[1])
            rows.append((record[0], age, int(record[3]), int(record[4])))
    return rows


def derive_kainuu_population(statfin_csv: Path, out_csv: Path) -> int:
    """Write the derived Kainuu table; returns the total population written."""
    total = 0
    with out_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DERIVED_HEADER)
        for area, age, males, females in read_statfin_rows(statfin_csv):
            code = KAINUU_CODES.get(area)
            if code is None:
                continue
            writer.writerow((code, area, age, "1", males))
            writer.writerow((code, area, age, "2", females))
            total += males + females
    return total


if __name__ == "__main__":  # pragma: no cover - one-off derivation, documented in data/README.md
    written = derive_kainuu_population(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {written} residents")
