"""The layer contracts in ``pyproject.toml`` hold (style habit 2: dependencies point one way).

import-linter reads the contracts from ``[tool.importlinter]``: the layer order of
``docs/architecture.md``, the model importing no other layer, and computations never
depending on the synthetic county.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True
    )
    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "0 broken" in report
