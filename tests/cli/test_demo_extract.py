"""The demo reuses a finished synthetic extract and never a half-written one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.progress import Progress

from tilannekuva.cli import demo_cmd


class Interrupted(Exception):
    pass


def fake_generator(calls: list[Path], *, fail: bool = False) -> Any:
    def generate(out_dir: Path, *, persons: int, seed: int, progress: Any) -> None:
        calls.append(out_dir)
        out_dir.mkdir(parents=True)
        (out_dir / "units.csv").write_text(f"persons={persons} seed={seed}\n")
        progress(persons, persons)
        if fail:
            raise Interrupted

    return generate


def quiet_progress() -> Progress:
    return Progress(console=Console(quiet=True))


def test_a_finished_extract_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(demo_cmd, "generate_extract", fake_generator(calls))
    folder = demo_cmd.extract_folder(tmp_path, 300, 7)
    assert folder == tmp_path / "synthetic-county-p300-s7"
    with quiet_progress() as progress:
        assert demo_cmd.ensure_extract(folder, 300, 7, fresh=False, say=progress) is True
        assert demo_cmd.ensure_extract(folder, 300, 7, fresh=False, say=progress) is False
        assert demo_cmd.ensure_extract(folder, 300, 7, fresh=True, say=progress) is True
    assert len(calls) == 2  # the second call reused the folder
    assert (folder / "units.csv").read_text() == "persons=300 seed=7\n"
    assert not folder.with_name(folder.name + ".partial").exists()


def test_an_interrupted_generation_is_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    folder = demo_cmd.extract_folder(tmp_path, 300, 7)
    monkeypatch.setattr(demo_cmd, "generate_extract", fake_generator(calls, fail=True))
    with quiet_progress() as progress, pytest.raises(Interrupted):
        demo_cmd.ensure_extract(folder, 300, 7, fresh=False, say=progress)
    assert not folder.exists()
    monkeypatch.setattr(demo_cmd, "generate_extract", fake_generator(calls))
    with quiet_progress() as progress:
        assert demo_cmd.ensure_extract(folder, 300, 7, fresh=False, say=progress) is True
    assert (folder / "units.csv").is_file()
