"""``generate_extract``: a complete, deterministic extract v1 for a Kainuu-like county.

Persons are generated in chunks (``CHUNK_PERSONS``); each chunk's contacts, assessments,
feedback, messages and calls are appended to the open files before the next chunk starts, so
memory is bounded by a few chunks whatever ``persons`` is (a few hundred to 5.5 million). Every
chunk draws from its own ``numpy.random.Generator`` seeded with ``(seed, chunk)``, and ids carry
the chunk number, so the same seed and size always give byte-identical files, whether the chunks
were generated in one process or in parallel (``chunks``).

Scaling: a county larger or smaller than Kainuu keeps Kainuu's eight municipalities and their
2019 age/sex structure, allocated to ``persons`` in proportion (``geography``); health stations
stay about 20 000 residents each, so a bigger county has more stations.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from tilannekuva.synth import staff_costs
from tilannekuva.synth.calendar import CUTOFF_TEXT, OfficeClock
from tilannekuva.synth.chunks import ChunkJob, generate_chunks
from tilannekuva.synth.geography import KAINUU_POPULATION, County, build_county
from tilannekuva.synth.population import PersonSource, population_table
from tilannekuva.synth.slots import slot_snapshots
from tilannekuva.synth.writer import ExtractWriter

DEFAULT_PERSONS = KAINUU_POPULATION
CHUNK_PERSONS = 20_000
SOURCE = (
    "tilannekuva.synth: synthetic Kainuu-like county"
    " (population: Statistics Finland 11re 2019, CC BY 4.0)"
)
PARALLEL_FROM_CHUNKS = 8  # below this, starting worker processes costs more than it saves
MAX_WORKERS = 4  # each worker holds about two chunks (a few hundred MB)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SynthSummary:
    """What was written: the folder, the extract's id and cutoff and rows per file."""

    out_dir: Path
    extract_id: str
    cutoff: str
    persons: int
    seed: int
    fmt: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _units_table(county: County) -> dict[str, pa.Array]:
    return {
        "unit_id": pa.array([u.unit_id for u in county.units]),
        "name": pa.array([u.name for u in county.units]),
        "municipality_code": pa.array([u.municipality_code for u in county.units]),
        "service_area": pa.array([u.service_area for u in county.units]),
        "parent_id": pa.array([u.parent_id for u in county.units], pa.string()),
    }


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def generate_extract(
    out_dir: Path,
    *,
    persons: int = DEFAULT_PERSONS,
    seed: int = 2025,
    fmt: str = "csv",
    progress: Progress | None = None,
    chunk_persons: int = CHUNK_PERSONS,
    workers: int | None = None,
) -> SynthSummary:
    """Write every extract-v1 file and ``extract.json`` for a county of ``persons`` residents.

    ``progress(done, total)`` is called after each chunk with the persons written so far.
    ``workers`` processes generate chunks in parallel for counties of at least
    ``PARALLEL_FROM_CHUNKS`` chunks (default: the CPUs, at most ``MAX_WORKERS``); the files do
    not depend on it.
    The default county (72 306 persons, seed 2025) is the calibrated one: see
    ``tests/synth/test_calibration.py`` for the figures it reproduces.
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    began = time.perf_counter()
    out_dir = Path(out_dir)
    county = build_county(persons)
    source = PersonSource(county, seed)
    jobs = (
        ChunkJob(
            county, seed, chunk, first, source.slots(first, min(first + chunk_persons, persons))
        )
        for chunk, first in enumerate(range(0, persons, chunk_persons))
    )
    chunks = -(-persons // chunk_persons)
    pool = _workers(workers) if chunks >= PARALLEL_FROM_CHUNKS else 1
    with ExtractWriter(out_dir, fmt) as out:
        out.write("units", _units_table(county))
        out.write("population", population_table(county))
        done = 0
        for tables in generate_chunks(jobs, pool):
            for name, columns in tables:
                out.write(name, columns)
            done = min(done + chunk_persons, persons)
            if progress is not None:
                progress(done, persons)
        clock = OfficeClock()
        rng = np.random.default_rng([seed, 2])
        for columns in slot_snapshots(county, clock, rng):
            out.write("slot_snapshots", columns)
        out.write("staff_survey", staff_costs.staff_survey(county, rng))
        out.write("costs", staff_costs.costs(county, rng))
    extract_id = f"synth-kainuu-{persons}-{seed}"
    meta = {"extract_id": extract_id, "cutoff": CUTOFF_TEXT, "source": SOURCE}
    (out_dir / "extract.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    return SynthSummary(
        out_dir,
        extract_id,
        CUTOFF_TEXT,
        persons,
        seed,
        fmt,
        dict(out.rows),
        time.perf_counter() - began,
    )
