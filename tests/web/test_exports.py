"""Downloads: machine CSV as output-v1 writes numbers, Excel with types and an "About" sheet,
Parquet with types and provenance, and attachment headers."""

from __future__ import annotations

import io

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tilannekuva.web.exports import Table, TableColumn, content_disposition, download_response

METADATA = {
    "indicator_id": "care_guarantee_7d",
    "definition_version": "v1",
    "load_id": "L-1",
    "extract_id": "X-1",
    "role": "public",
    "generated_at": "2026-01-05T06:00:00+00:00",
}


def table() -> Table:
    return Table(
        columns=[
            TableColumn("period", "Ajanjakso"),
            TableColumn("scope_name", "Yksikkö"),
            TableColumn("numerator", "Osoittaja", "number"),
            TableColumn("denominator", "Nimittäjä (n)", "integer"),
            TableColumn("value", "Arvo", "number"),
            TableColumn("suppressed", "Piilotettu", "boolean"),
        ],
        rows=[
            {
                "period": "2025-Q3",
                "scope_name": "Kajaanin terveysasema, vastaanotto",
                "numerator": 41,
                "denominator": 47,
                "value": 87.23404255319149,
                "suppressed": False,
            },
            {
                "period": "2025-Q3",
                "scope_name": '=HYPERLINK("x")',
                "numerator": None,
                "denominator": None,
                "value": None,
                "suppressed": True,
            },
        ],
        title="Hoitotakuu: 7 vrk / yksiköt",
        metadata=METADATA,
    )


def test_csv_is_machine_format_without_bom() -> None:
    body = table().to_csv_bytes()
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8") == (
        "period,scope_name,numerator,denominator,value,suppressed\n"
        '2025-Q3,"Kajaanin terveysasema, vastaanotto",41,47,87.23404255319149,false\n'
        '2025-Q3,"=HYPERLINK(""x"")",,,,true\n'
    )


def test_xlsx_has_typed_cells_bold_header_and_about_sheet() -> None:
    book = openpyxl.load_workbook(io.BytesIO(table().to_xlsx_bytes()))
    assert book.sheetnames == ["Hoitotakuu 7 vrk yksiköt", "About"]
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Ajanjakso", "Yksikkö", "Osoittaja", "Nimittäjä (n)", "Arvo", "Piilotettu"]
    assert all(cell.font.bold for cell in sheet[1])
    assert rows[1] == [
        "2025-Q3",
        "Kajaanin terveysasema, vastaanotto",
        41,
        47,
        pytest.approx(87.23404255319149),
        False,
    ]
    assert rows[2] == ["2025-Q3", '=HYPERLINK("x")', None, None, None, True]
    assert sheet["B3"].data_type == "s"  # text, never a formula
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about == {"title": "Hoitotakuu: 7 vrk / yksiköt", **METADATA}


def test_parquet_keeps_types_even_for_all_empty_columns_and_carries_provenance() -> None:
    suppressed_only = Table(table().columns, table().rows[1:], "t", METADATA)
    read = pq.read_table(io.BytesIO(suppressed_only.to_parquet_bytes()))
    assert read.schema.field("numerator").type == pa.float64()
    assert read.schema.field("denominator").type == pa.int64()
    assert read.schema.field("suppressed").type == pa.bool_()
    metadata = {k.decode(): v.decode() for k, v in (read.schema.metadata or {}).items()}
    assert metadata["load_id"] == "L-1" and metadata["role"] == "public"
    full = pq.read_table(io.BytesIO(table().to_parquet_bytes())).to_pylist()
    assert full[0]["denominator"] == 47 and full[0]["value"] == pytest.approx(87.2340425)
    assert full[1]["value"] is None and full[1]["suppressed"] is True


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("parquet", "application/vnd.apache.parquet"),
    ],
)
def test_download_response_is_an_attachment_of_the_right_type(fmt: str, media_type: str) -> None:
    response = download_response(table(), fmt, "hoitotakuu-kvartaali")  # type: ignore[arg-type]
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="hoitotakuu-kvartaali.{fmt}"'
    )
    assert response.body == table().to_bytes(fmt)  # type: ignore[arg-type]


def test_content_disposition_keeps_non_ascii_names_in_rfc_6266_form() -> None:
    header = content_disposition("hoitotakuu ä.csv")
    assert 'filename="hoitotakuu__.csv"' in header
    assert "filename*=UTF-8''hoitotakuu%20%C3%A4.csv" in header


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        table().to_bytes("json")  # type: ignore[arg-type]
