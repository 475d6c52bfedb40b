"""The output file of output-v1: column order, sorting, number and boolean spelling."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tilannekuva.indicators import IndicatorRow, write_indicators

ROWS = [
    IndicatorRow("nps", "2025-Q1", "u1", 1, 3, 100 / 3, False, False),
    IndicatorRow("contacts_total", "2025", "", None, None, 12345, False, False),
    IndicatorRow("nps", "2025", "u1", None, None, None, True, False),
    IndicatorRow("nps", "2025-01", "u1", -2, 4, -50.0, False, False),
    IndicatorRow("nps", "2025-01", "", -2, 4, -50.0, False, True),
    IndicatorRow("qwl_index", "2025-01", "u1", 3115.0, 40, 77.875, False, False),
]


def test_csv_columns_order_and_spelling(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    write_indicators(ROWS, out, "csv")
    assert out.read_text("utf-8").splitlines() == [
        "indicator_id,period,unit_id,numerator,denominator,value,suppressed,provisional",
        "contacts_total,2025,,,,12345,false,false",
        # plain string order: 2025 < 2025-01 < 2025-Q1, and '' < 'u1'
        "nps,2025,u1,,,,true,false",
        "nps,2025-01,,-2,4,-50.0,false,true",
        "nps,2025-01,u1,-2,4,-50.0,false,false",
        "nps,2025-Q1,u1,1,3,33.333333333333336,false,false",
        "qwl_index,2025-01,u1,3115.0,40,77.875,false,false",
    ]


def test_json_is_a_list_of_objects(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    write_indicators(ROWS, out, "json")
    records = json.loads(out.read_text("utf-8"))
    assert records[0] == {
        "indicator_id": "contacts_total",
        "period": "2025",
        "unit_id": "",
        "numerator": None,
        "denominator": None,
        "value": 12345,
        "suppressed": False,
        "provisional": False,
    }
    assert [r["period"] for r in records][:4] == ["2025", "2025", "2025-01", "2025-01"]


def test_parquet_is_typed(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    write_indicators(ROWS, out, "parquet")
    table = pq.read_table(out)
    assert [str(t) for t in table.schema.types] == [
        "string", "string", "string", "double", "int64", "double", "bool", "bool"
    ]  # fmt: skip
    assert table.column("value").to_pylist()[-2] == 100 / 3


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        write_indicators(ROWS, tmp_path / "x", "xlsx")
