"""``tilannekuva demo`` end to end on a tiny synthetic county (300 persons, seed 2025).

What a newcomer relies on: one command prints the data-quality counts and a scorecard that
names every key indicator with its target and a status in words; a second run reuses the
extract and the load instead of doing the work again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tilannekuva.cli.main import app
from tilannekuva.indicators.scorecard import KEY_INDICATORS

PERSONS = "300"
WIDE = {"COLUMNS": "250"}  # one table row per line, so a row can be read whole


def run_demo(folder: Path, *extra: str) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for name in list(os.environ):
            if name.startswith("TILANNEKUVA_"):
                patch.delenv(name)
        return CliRunner().invoke(
            app, ["demo", "--persons", PERSONS, "--out", "data", "--no-serve", *extra], env=WIDE
        )


@pytest.fixture(scope="module")
def first_and_second(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Result]:
    folder = tmp_path_factory.mktemp("demo")
    return run_demo(folder), run_demo(folder)


def row_of(output: str, indicator_id: str) -> str:
    """The scorecard row of one indicator: its lines up to the next indicator's, joined."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [indicator_id])
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].split()[:1] in ([k] for k in KEY_INDICATORS)
        ),
        len(lines),
    )
    return " ".join(" ".join(lines[start:end]).split())


@pytest.mark.slow
def test_demo_prints_the_scorecard_of_every_key_indicator(
    first_and_second: tuple[Result, Result],
) -> None:
    first, _ = first_and_second
    assert first.exit_code == 0, first.output
    out = first.stdout
    assert "County indicators against their targets" in out
    for indicator_id in KEY_INDICATORS:
        assert row_of(out, indicator_id)
    # The synthetic county's cutoff is in January 2026, so 2025-Q4 is the latest complete
    # quarter, and the target in force for it is the final 80 % by 2025-Q4 (indicators-v1).
    header = " ".join(out.split("County indicators against their targets")[1].split()[:8])
    assert header == "quarter year status indicator 2025-Q4 2025 target 2025-Q4"
    care = row_of(out, "care_guarantee_7d")
    assert "≥ 80.0 %" in care and "by 2025-Q4" in care
    assert "target met" in care or "below target" in care
    assert "≥ 35.0 %" in row_of(out, "remote_contact_share_20plus")
    assert "no target" in row_of(out, "nps")


@pytest.mark.slow
def test_demo_prints_data_quality_counts(first_and_second: tuple[Result, Result]) -> None:
    first, _ = first_and_second
    assert "Data quality" in first.stdout
    assert "rows quarantined by the load" in first.stdout
    assert "checks found nothing" in first.stdout


@pytest.mark.slow
def test_a_second_run_reuses_the_extract_and_the_load(
    first_and_second: tuple[Result, Result],
) -> None:
    first, second = first_and_second
    assert second.exit_code == 0, second.output
    assert ", generated in " in first.stdout
    assert ", reused in " in second.stdout

    def load_line(result: Result) -> str:
        return next(line for line in result.stdout.splitlines() if line.startswith("Warehouse"))

    assert load_line(first) == load_line(second)  # same load id: nothing was loaded again


def test_invalid_configuration_stops_with_a_one_line_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        ["demo", "--persons", PERSONS, "--no-serve"],
        env={"TILANNEKUVA_SYNTH_SEED": "minus one"},
    )
    assert result.exit_code == 2
    assert "TILANNEKUVA_SYNTH_SEED" in result.stderr
    assert not (tmp_path / "tilannekuva-data").exists()  # nothing was generated
