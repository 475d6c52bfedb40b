"""Municipality names by Statistics Finland code, for labels (``205`` → Kajaani / Kajana).

Only the names the product has been given are listed (``codes/municipalities.csv``: Kainuu's
eight municipalities); any other code is shown as the code itself, never guessed.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

MUNICIPALITIES_FILE = Path(__file__).parent / "codes" / "municipalities.csv"


@lru_cache(maxsize=1)
def municipality_names() -> dict[str, dict[str, str]]:
    """``{code: {"fi": name, "sv": name}}``."""
    with MUNICIPALITIES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: {"fi": row["name_fi"], "sv": row["name_sv"]}
            for row in csv.DictReader(handle)
        }


def municipality_name(code: str, locale: str) -> str:
    """The name in Swedish for ``sv``, else in Finnish; the code when the name is unknown."""
    names = municipality_names().get(code)
    if names is None:
        return code
    return names["sv"] if locale == "sv" else names["fi"]
