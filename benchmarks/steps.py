"""The measured steps of the benchmark, each run in a fresh child process.

A fresh process per step makes the peak resident set size (``ru_maxrss`` of the child itself)
belong to that step alone, and keeps one step's caches from speeding up the next. The time is
taken inside the child around the call only, so interpreter start-up and imports are not
counted; the peak memory does include the imported libraries, as a real run would.

The parent watches each child's resident memory and wall-clock time and stops a child that
passes the ceiling or the time limit, so a step that runs away cannot exhaust a shared
machine; such a step is recorded as aborted, with what was seen up to then.
"""

from __future__ import annotations

import queue
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from benchmarks.pandas_baseline import compute_with_pandas
from tilannekuva.indicators import compute_indicators
from tilannekuva.ingest import load_extract
from tilannekuva.synth import generate_extract


@dataclass(frozen=True)
class Measurement:
    """One step: wall-clock seconds, peak RSS in bytes, what it produced, why it stopped early.

    For an aborted step ``seconds`` is the time until it was stopped (including start-up)
    and ``peak_rss`` the largest resident size the parent saw.
    """

    seconds: float
    peak_rss: int
    produced: int
    aborted: str | None = None


@dataclass(frozen=True)
class Limits:
    """When the parent stops a child: resident memory in bytes, wall-clock seconds."""

    memory: int
    seconds: float


def _peak_rss() -> int:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _timed(work: Callable[[], int]) -> Measurement:
    start = time.perf_counter()
    produced = work()
    seconds = time.perf_counter() - start
    return Measurement(seconds=seconds, peak_rss=_peak_rss(), produced=produced)


def generate_step(out_dir: Path, persons: int, seed: int) -> Measurement:
    """Write a synthetic county; produced = persons asked for."""

    def work() -> int:
        generate_extract(out_dir, persons=persons, seed=seed)
        return persons

    return _timed(work)


def load_step(extract_dir: Path, warehouse: Path) -> Measurement:
    """Load an extract into a fresh warehouse file; produced = rows loaded."""
    warehouse.unlink(missing_ok=True)
    warehouse.with_name(warehouse.name + ".wal").unlink(missing_ok=True)
    return _timed(lambda: sum(load_extract(extract_dir, warehouse).rows_loaded.values()))


def engine_step(warehouse: Path) -> Measurement:
    """All indicators with the Ibis engine; produced = output rows."""
    return _timed(lambda: len(compute_indicators(warehouse)))


def pandas_step(warehouse: Path) -> Measurement:
    """All indicators with the pandas baseline; produced = output rows."""
    return _timed(lambda: len(compute_with_pandas(warehouse)))


def _child(step: Callable[..., Measurement], args: tuple[Any, ...], out: Any) -> None:
    try:
        out.put(step(*args))
    except Exception as error:  # reported to the parent as an aborted step
        out.put(f"{type(error).__name__}: {error}")


def _rss(pid: int | None) -> int:
    """Current resident set size of a process in bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def in_child(
    step: Callable[..., Measurement], args: tuple[Any, ...], limits: Limits
) -> Measurement:
    """Run ``step(*args)`` in a new spawned process, stopping it at the limits."""
    context = get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_child, args=(step, args, out))
    start = time.perf_counter()
    process.start()
    seen = 0
    try:
        while True:
            try:
                result = out.get(timeout=0.5)
            except queue.Empty:
                result = None
            elapsed = time.perf_counter() - start
            if isinstance(result, Measurement):
                return result
            if isinstance(result, str):
                return Measurement(elapsed, seen, 0, aborted=result)
            seen = max(seen, _rss(process.pid))
            if not process.is_alive():
                return Measurement(elapsed, seen, 0, aborted=f"died, exit code {process.exitcode}")
            if seen > limits.memory:
                return Measurement(
                    elapsed, seen, 0, aborted=f"stopped above {limits.memory / 1024**3:.1f} GB"
                )
            if elapsed > limits.seconds:
                return Measurement(
                    elapsed, seen, 0, aborted=f"stopped after {limits.seconds:.0f} s"
                )
    finally:
        if process.is_alive():
            process.terminate()
            process.join(timeout=10)
        if process.is_alive():
            process.kill()
        process.join()
