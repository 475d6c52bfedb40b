"""Deriving the shipped population table from a Statistics Finland 11re file."""

from __future__ import annotations

from pathlib import Path

from tilannekuva.synth.statfin import derive_kainuu_population

STATFIN = (
    '"11re -- Väestö iän (1-v.) ja sukupuolen mukaan alueittain, 1972-2019"\n'
    "\n"
    '"Alue";"Ikä";"Yhteensä 2019 Väestö 31.12.";'
    '"Miehet 2019 Väestö 31.12.";"Naiset 2019 Väestö 31.12."\n'
    '"KOKO MAA";"0";45746;23250;22496\n'
    '"Ristijärvi";"Yhteensä";8;5;3\n'
    '"Ristijärvi";"0";3;2;1\n'
    '"Ristijärvi";"100 -";5;3;2\n'
    '"Äänekoski";"0";9;4;5\n'
)


def test_only_kainuu_rows_are_kept_with_codes_and_100_plus(tmp_path: Path) -> None:
    source = tmp_path / "11re.csv"
    source.write_bytes(STATFIN.encode("iso-8859-1"))  # as Statistics Finland publishes it
    out = tmp_path / "derived.csv"
    assert derive_kainuu_population(source, out) == 8  # 3 + 5; the total row is skipped
    assert out.read_text("utf-8").splitlines() == [
        "municipality_code,municipality,age,sex,count",
        "697,Ristijärvi,0,1,2",
        "697,Ristijärvi,0,2,1",
        "697,Ristijärvi,100,1,3",
        "697,Ristijärvi,100,2,2",
    ]
