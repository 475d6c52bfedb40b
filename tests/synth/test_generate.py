"""generate_extract writes a complete, deterministic extract that ingest accepts whole."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import holidays
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.synth.conftest import SMALL_PERSONS, SMALL_SEED, extract_files
from tilannekuva.ingest import load_extract
from tilannekuva.model.extract_schema import TABLES
from tilannekuva.synth import SynthSummary, generate_extract
from tilannekuva.synth.writer import arrow_schema

KEY = "synth-test-key"
HETU = re.compile(r"(?i)[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-FHJ-NPR-Y]")


def test_every_extract_file_and_the_metadata_are_written(small_csv: SynthSummary) -> None:
    expected = sorted([f"{t.name}.csv" for t in TABLES] + ["extract.json"])
    assert extract_files(small_csv.out_dir) == expected
    meta = json.loads((small_csv.out_dir / "extract.json").read_text("utf-8"))
    assert meta["extract_id"] == f"synth-kainuu-{SMALL_PERSONS}-{SMALL_SEED}"
    assert meta["cutoff"] == "2026-01-05T06:00:00+02:00"
    assert meta["source"]
    assert all(small_csv.rows[t.name] > 0 for t in TABLES)
    assert small_csv.rows["persons"] == SMALL_PERSONS


def test_same_seed_gives_byte_identical_files(small_csv: SynthSummary, tmp_path: Path) -> None:
    again = generate_extract(tmp_path, persons=SMALL_PERSONS, seed=SMALL_SEED)
    for name in extract_files(small_csv.out_dir):
        assert (again.out_dir / name).read_bytes() == (small_csv.out_dir / name).read_bytes(), name


def test_another_seed_gives_another_county(small_csv: SynthSummary, tmp_path: Path) -> None:
    other = generate_extract(tmp_path, persons=SMALL_PERSONS, seed=SMALL_SEED + 1)
    assert (other.out_dir / "contacts.csv").read_bytes() != (
        small_csv.out_dir / "contacts.csv"
    ).read_bytes()


def test_ingest_quarantines_nothing_and_keeps_the_broken_links(
    small_csv: SynthSummary, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    result = load_extract(small_csv.out_dir, warehouse, pseudonym_key=KEY)
    assert result.rows_quarantined == 0
    assert result.duplicates_dropped == 0
    assert result.rows_loaded == small_csv.rows
    con = duckdb.connect(str(warehouse), read_only=True)
    broken = con.execute(
        "SELECT count(*) FROM contacts c WHERE c.assessment_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM assessments a"
        " WHERE a.assessment_id = c.assessment_id AND a.person_id = c.person_id)"
    ).fetchone()
    negative = con.execute(
        "SELECT count(*) FROM contacts c JOIN assessments a USING (assessment_id) "
        "WHERE c.start_at < a.assessed_at"
    ).fetchone()
    con.close()
    assert broken is not None and broken[0] > 0  # deliberate recording faults, kept
    assert negative is not None and negative[0] > 0  # visits dated before their assessment


def test_csv_and_parquet_hold_the_same_tables(
    small_csv: SynthSummary, small_parquet: SynthSummary
) -> None:
    for table in TABLES:
        schema = arrow_schema(table)
        from_csv = pacsv.read_csv(
            small_csv.out_dir / f"{table.name}.csv",
            convert_options=pacsv.ConvertOptions(column_types=schema, strings_can_be_null=True),
        )
        from_parquet = pq.read_table(small_parquet.out_dir / f"{table.name}.parquet")
        assert from_csv.equals(from_parquet), table.name


def test_parquet_extract_loads_to_the_same_warehouse_rows(
    small_csv: SynthSummary, small_parquet: SynthSummary, tmp_path: Path
) -> None:
    load_extract(small_csv.out_dir, tmp_path / "csv.duckdb", pseudonym_key=KEY)
    result = load_extract(small_parquet.out_dir, tmp_path / "pq.duckdb", pseudonym_key=KEY)
    assert result.rows_quarantined == 0
    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp_path / 'csv.duckdb'}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{tmp_path / 'pq.duckdb'}' AS b (READ_ONLY)")
    for table in ("contacts", "assessments", "calls", "feedback_responses", "persons"):
        differ = con.execute(
            f"SELECT count(*) FROM (SELECT * FROM a.{table} EXCEPT ALL SELECT * FROM b.{table})"
        ).fetchone()
        assert differ == (0,), table


def test_person_ids_are_pseudonyms_not_identity_codes(small_csv: SynthSummary) -> None:
    ids = pacsv.read_csv(small_csv.out_dir / "persons.csv").column("person_id").to_pylist()
    assert len(set(ids)) == SMALL_PERSONS
    assert not any(HETU.fullmatch(i) for i in ids)


# (1, 2025): a single person with no care-need assessment at all, an edge that once failed
@pytest.mark.parametrize(("persons", "seed"), [(1, 2025), (300, 1)])
def test_tiny_counties_are_complete(persons: int, seed: int, tmp_path: Path) -> None:
    summary = generate_extract(tmp_path, persons=persons, seed=seed)
    assert summary.rows["persons"] == persons
    population = pacsv.read_csv(tmp_path / "population.csv")
    assert sum(population.column("count").to_pylist()) == persons
    assert summary.rows["units"] == 1 + 1 + 8 * 5  # county, emergency, 8 stations × (parent + 4)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        generate_extract(tmp_path, persons=10, fmt="xlsx")


def test_no_reception_visits_at_weekends_or_on_public_holidays(small_csv: SynthSummary) -> None:
    con = duckdb.connect()
    folder = small_csv.out_dir
    rows = con.execute(
        f"""
        SELECT CAST(CAST(left(replace(c.start_at, 'T', ' '), 19) AS TIMESTAMP) AS DATE) AS day,
               u.service_area
        FROM read_csv('{folder / "contacts.csv"}', all_varchar = true) c
        JOIN read_csv('{folder / "units.csv"}', all_varchar = true) u USING (unit_id)
        WHERE c.contact_type = 'R10'
        """
    ).fetchall()
    con.close()
    fi_holidays = holidays.country_holidays("FI", years=[2024, 2025])
    reception = [day for day, area in rows if area == "reception"]
    assert reception
    assert not [d for d in reception if d.weekday() >= 5 or d in fi_holidays]
    emergency = [day for day, area in rows if area == "emergency"]
    assert any(d.weekday() >= 5 or d in fi_holidays for d in emergency)  # päivystys never closes


def test_parallel_workers_write_the_same_files(tmp_path: Path) -> None:
    # 900 persons in chunks of 100 = 9 chunks, enough to start the worker processes
    one = generate_extract(tmp_path / "one", persons=900, seed=3, chunk_persons=100, workers=1)
    two = generate_extract(tmp_path / "two", persons=900, seed=3, chunk_persons=100, workers=2)
    for name in extract_files(one.out_dir):
        assert (two.out_dir / name).read_bytes() == (one.out_dir / name).read_bytes(), name
    assert one.rows == two.rows
