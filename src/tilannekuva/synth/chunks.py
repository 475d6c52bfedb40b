"""One chunk of persons and everything they generate, runnable in a worker process.

A chunk is independent of every other: its persons come from a slice of the county's
permutation, its random numbers from ``numpy.random.Generator([seed, 1, chunk])`` and its ids
carry the chunk number. So chunks can be generated in any order, in parallel processes, and
still be written in chunk order to give byte-identical files. At most ``2 × workers`` chunks are
in flight, which keeps memory bounded however large the county.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from multiprocessing import get_context

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tilannekuva.synth.assessments import assessments_table, link_assessments
from tilannekuva.synth.calendar import DayGrid, OfficeClock, timestamp_text
from tilannekuva.synth.contacts import Contacts, generate_contacts, reason_text
from tilannekuva.synth.feedback import generate_feedback
from tilannekuva.synth.geography import SERVICE_AREAS, County
from tilannekuva.synth.ids import event_ids
from tilannekuva.synth.messages_calls import generate_calls, generate_messages
from tilannekuva.synth.population import draw_persons, persons_table

Columns = dict[str, pa.Array]
BOOKED_OFFSET_SHARE = 0.002


@dataclass(frozen=True)
class ChunkJob:
    county: County
    seed: int
    chunk: int
    first: int  # global index of the chunk's first person
    slots: np.ndarray  # the chunk's persons' cell slots


@cache
def _calendar() -> tuple[DayGrid, OfficeClock]:
    """Built once per process (holiday lookups are the slow part)."""
    return DayGrid(), OfficeClock()


def unit_index(county: County) -> np.ndarray:
    """``[station, area]`` → unit index; column 4 holds the first emergency unit."""
    position = {u.unit_id: i for i, u in enumerate(county.units)}
    table = np.zeros((len(county.stations), 5), dtype=np.int64)
    for s in county.stations:
        table[s.index, :4] = [position[s.units[a]] for a in SERVICE_AREAS]
    table[:, 4] = position[county.emergency_units[0]]
    return table


def _contacts_table(
    c: Contacts, ids: pa.Array, person_ids: pa.Array, unit_ids: pa.Array, rng: np.random.Generator
) -> Columns:
    hour = (c.booked - c.booked.astype("datetime64[D]")).astype("timedelta64[h]").astype(np.int64)
    booked_offset = (rng.random(len(c)) < BOOKED_OFFSET_SHARE) & (hour >= 8) & (hour < 16)
    assessment = c.assessment if c.assessment is not None else pa.nulls(len(c), pa.string())
    return {
        "contact_id": ids,
        "person_id": pc.take(person_ids, pa.array(c.person)),
        "unit_id": pc.take(unit_ids, pa.array(c.unit)),
        "start_at": timestamp_text(c.start, c.offset),
        "contact_type": pa.array(c.code, pa.string()),
        "professional_group": pa.array(c.prof, pa.string()),
        "urgency": pa.array(np.where(c.urgent, "urgent", "nonurgent")),
        "care_plan": pa.array(c.care_plan),
        "assessment_id": assessment,
        "reason_codes": reason_text(c),
        "booked_at": timestamp_text(c.booked, booked_offset),
    }


def chunk_tables(job: ChunkJob) -> list[tuple[str, Columns]]:
    """Every row the chunk's persons produce, as (table name, columns) in writing order."""
    grid, clock = _calendar()
    county, chunk = job.county, job.chunk
    unit_ids = pa.array([u.unit_id for u in county.units], pa.string())
    unit_of = unit_index(county)
    rng = np.random.default_rng([job.seed, 1, chunk])
    persons = draw_persons(county, job.first, job.slots, rng)
    contacts = generate_contacts(persons, unit_of, grid, rng)
    assessments, assessment_ids = link_assessments(contacts, rng, chunk)
    contact_ids = event_ids("K", chunk, len(contacts))
    tables = [
        ("persons", persons_table(persons)),
        ("assessments", assessments_table(assessments, assessment_ids, persons.ids, unit_ids, rng)),
        ("contacts", _contacts_table(contacts, contact_ids, persons.ids, unit_ids, rng)),
    ]
    invitations, responses = generate_feedback(contacts, contact_ids, unit_ids, rng, chunk)
    tables += [("feedback_invitations", invitations), ("feedback_responses", responses)]
    tables.append(
        ("messages", generate_messages(persons, unit_of, grid, clock, unit_ids, rng, chunk))
    )
    tables.append(("calls", generate_calls(persons, unit_of, grid, clock, unit_ids, rng, chunk)))
    return tables


def generate_chunks(jobs: Iterable[ChunkJob], workers: int) -> Iterator[list[tuple[str, Columns]]]:
    """Chunk results in job order; with ``workers > 1`` from a bounded pool of processes."""
    if workers <= 1:
        yield from (chunk_tables(job) for job in jobs)
        return
    # spawn, not fork: Arrow's and NumPy's thread pools must not be copied mid-flight
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        pending: deque[Future[list[tuple[str, Columns]]]] = deque()
        for job in jobs:
            pending.append(pool.submit(chunk_tables, job))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
