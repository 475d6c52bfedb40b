"""Benchmark: load and compute all indicators for the default and a 1-million-person county.

Run from the repository root::

    uv run python -m benchmarks.bench_indicators [--skip-large] [--runs N] [--workdir DIR]

For each county it generates the synthetic extract once, then, ``--runs`` times, loads it into
a fresh warehouse file, computes every indicator with the engine and again with the pandas
baseline, each step in its own child process (see ``benchmarks.steps``). It prints the median
seconds, the peak resident memory of each step, the pandas/engine ratio, and the goals with
PASS/FAIL. The exit status is 1 when a goal fails, so the script can gate a CI job.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.steps import (
    Limits,
    Measurement,
    engine_step,
    generate_step,
    in_child,
    load_step,
    pandas_step,
)
from tilannekuva.synth import DEFAULT_PERSONS

LARGE_PERSONS = 1_000_000
SEED = 2025
GB = 1024**3
DEFAULT_GOAL_S = 10.0
LARGE_GOAL_S = 120.0
LARGE_MEMORY_GOAL = 8 * GB
SPEEDUP_GOAL = 5.0
STEPS = (("load", "load"), ("indicators (engine)", "engine"), ("indicators (pandas)", "pandas"))


@dataclass
class CountyResult:
    """Every run of every step for one county; an aborted step ends that county's runs."""

    name: str
    persons: int
    generated: Measurement | None = None
    runs: dict[str, list[Measurement]] = field(
        default_factory=lambda: {"load": [], "engine": [], "pandas": []}
    )

    def complete(self, step: str) -> bool:
        done = self.runs[step]
        return bool(done) and all(m.aborted is None for m in done)

    def median(self, step: str) -> float:
        return statistics.median(m.seconds for m in self.runs[step])

    def peak(self, step: str) -> int:
        return max((m.peak_rss for m in self.runs[step]), default=0)

    def load_and_indicators(self) -> float | None:
        """Median over runs of load + engine in the same run (None if either aborted)."""
        if not (self.complete("load") and self.complete("engine")):
            return None
        pairs = zip(self.runs["load"], self.runs["engine"], strict=True)
        return statistics.median(a.seconds + b.seconds for a, b in pairs)

    def speedup(self) -> float | None:
        if not (self.complete("engine") and self.complete("pandas")):
            return None
        return self.median("pandas") / self.median("engine")


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _describe(m: Measurement) -> str:
    if m.aborted:
        return f"ABORTED after {m.seconds:.1f} s at {m.peak_rss / GB:.1f} GB ({m.aborted})"
    return f"{m.seconds:.2f} s, {m.peak_rss / GB:.2f} GB, {m.produced:,}"


def measure_county(
    name: str, persons: int, runs: int, workdir: Path, limits: Limits
) -> CountyResult:
    """Generate once, then load / engine / pandas ``runs`` times, printing as it goes."""
    result = CountyResult(name=name, persons=persons)
    extract = workdir / name / "extract"
    warehouse = workdir / name / "warehouse.duckdb"
    print(f"[{name}] generating {persons:,} persons ...", flush=True)
    result.generated = in_child(generate_step, (extract, persons, SEED), limits)
    if result.generated.aborted:
        print(f"[{name}] generation {_describe(result.generated)}", flush=True)
        return result
    size_mb = _size(extract) / 1e6
    print(f"[{name}] generated in {result.generated.seconds:.1f} s, {size_mb:.0f} MB", flush=True)
    for run in range(1, runs + 1):
        for step, work, args in (
            ("load", load_step, (extract, warehouse)),
            ("engine", engine_step, (warehouse,)),
            ("pandas", pandas_step, (warehouse,)),
        ):
            measured = in_child(work, args, limits)
            result.runs[step].append(measured)
            print(f"[{name}] run {run}/{runs} {step}: {_describe(measured)}", flush=True)
            if measured.aborted and step == "load":
                return result
    return result


def print_county(result: CountyResult) -> None:
    """The figures of one county as a small table."""
    print(f"\n{result.name} county: {result.persons:,} persons")
    print(f"  {'step':<22}{'median s':>10}{'peak RSS':>12}   runs (s)")
    for label, step in STEPS:
        done = result.runs[step]
        if not done:
            print(f"  {label:<22}{'not run':>10}")
            continue
        median = f"{result.median(step):.2f}" if result.complete(step) else "aborted"
        runs = " ".join(f"{m.seconds:.2f}{'!' if m.aborted else ''}" for m in done)
        print(f"  {label:<22}{median:>10}{result.peak(step) / GB:>9.2f} GB   {runs}")
    both = result.load_and_indicators()
    ratio = result.speedup()
    print(f"  {'load + indicators':<22}{'—' if both is None else f'{both:.2f}':>10}")
    print(f"  {'pandas / engine':<22}{'—' if ratio is None else f'{ratio:.1f}x':>10}")
    rows = {m.produced for step in ("engine", "pandas") for m in result.runs[step] if not m.aborted}
    if rows:
        agree = "engine and pandas agree" if len(rows) == 1 else "DIFFER"
        print(f"  output rows: {agree} ({', '.join(f'{r:,}' for r in sorted(rows))})")


def _seconds_goal(result: CountyResult, goal: float, label: str) -> tuple[bool, str]:
    took = result.load_and_indicators()
    text = f"{label}: load + all indicators < {goal:.0f} s"
    if took is None:
        return False, f"{text} (a step was aborted)"
    return took < goal, f"{text} ({took:.1f} s)"


def goals(results: list[CountyResult]) -> list[tuple[bool, str]]:
    """(passed, description) for each goal that the measured counties can answer."""
    found: list[tuple[bool, str]] = []
    by_name = {r.name: r for r in results}
    if "default" in by_name:
        label = f"default county on {os.cpu_count()} cores"
        found.append(_seconds_goal(by_name["default"], DEFAULT_GOAL_S, label))
    if "large" in by_name:
        big = by_name["large"]
        found.append(_seconds_goal(big, LARGE_GOAL_S, f"{big.persons:,} persons"))
        peak = max(big.peak("load"), big.peak("engine"))
        text = f"peak memory of load and indicators < {LARGE_MEMORY_GOAL / GB:.0f} GB"
        ok = peak < LARGE_MEMORY_GOAL and big.complete("load") and big.complete("engine")
        found.append((ok, f"{big.persons:,} persons: {text} ({peak / GB:.2f} GB)"))
    for r in results:
        ratio = r.speedup()
        text = f"{r.name} county: indicators >= {SPEEDUP_GOAL:.0f}x faster than pandas"
        shown = "not measured" if ratio is None else f"{ratio:.1f}x"
        found.append((ratio is not None and ratio >= SPEEDUP_GOAL, f"{text} ({shown})"))
    return found


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--skip-large", action="store_true", help="leave out the 1 M county")
    parser.add_argument("--runs", type=int, default=3, help="runs per step, default 3")
    parser.add_argument("--workdir", type=Path, help="keep extracts and warehouses here")
    parser.add_argument(
        "--memory-ceiling-gb", type=float, default=12.0, help="stop a step above this RSS"
    )
    parser.add_argument(
        "--step-timeout", type=float, default=1800.0, help="stop a step after these seconds"
    )
    parser.add_argument("--large-persons", type=int, default=LARGE_PERSONS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    limits = Limits(memory=int(args.memory_ceiling_gb * GB), seconds=args.step_timeout)
    counties = [("default", DEFAULT_PERSONS)]
    if not args.skip_large:
        counties.append(("large", args.large_persons))
    with tempfile.TemporaryDirectory(prefix="tilannekuva-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        print(f"benchmark: {os.cpu_count()} cores, {args.runs} runs, in {workdir}", flush=True)
        results = [measure_county(n, p, args.runs, workdir, limits) for n, p in counties]
    for result in results:
        print_county(result)
    print("\ngoals:")
    checked = goals(results)
    for passed, text in checked:
        print(f"  [{'PASS' if passed else 'FAIL'}] {text}")
    return 0 if all(passed for passed, _ in checked) else 1


if __name__ == "__main__":
    sys.exit(main())
