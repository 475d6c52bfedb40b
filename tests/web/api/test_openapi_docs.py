"""The API is documented twice and both must stay true (style habit 9): the OpenAPI schema the
app serves (every operation tagged, summarised, described, its answers typed) and
``docs/api.md`` (every route and each of its parameters)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

DOCS = Path(__file__).resolve().parents[3] / "docs"
# The API is read-only but for the feedback service's inbound routes, each with its answer.
WRITE_ROUTES = {
    ("POST", "/api/v1/events/visits"): "202",
    ("POST", "/api/v1/sms/inbound"): "200",
    ("POST", "/api/v1/sms/receipts"): "200",
    ("POST", "/api/v1/board/events"): "200",
}
FILE_ROUTES = {
    "/api/v1/values.csv": "text/csv",
    "/api/v1/values.parquet": "application/vnd.apache.parquet",
}


@pytest.fixture
def schema(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    parsed: dict[str, Any] = json.loads(response.text)
    return parsed


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def api_md_section(method: str, path: str) -> str:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    heading = re.escape(f"### `{method} {path}`")
    match = re.search(rf"^{heading}$(.*?)(?=^#{{2,3}} |\Z)", text, re.M | re.S)
    assert match is not None, f"docs/api.md has no section `### `{method} {path}``"
    return match.group(1)


def test_schema_is_openapi_3_1_with_only_api_routes(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Tilannekuva API"
    paths = list(schema["paths"])
    assert "/api/v1/indicators/{indicator_id}/values" in paths
    assert [p for p in paths if not p.startswith("/api/")] == [], "pages belong outside the API"


def test_every_operation_is_tagged_summarised_described_and_typed(
    schema: dict[str, Any],
) -> None:
    for path, method, operation in operations(schema):
        where = f"{method} {path}"
        if method != "GET":
            assert (method, path) in WRITE_ROUTES, f"{where}: the API is read-only"
        success = WRITE_ROUTES.get((method, path), "200")
        assert operation.get("tags"), f"{where}: no tag"
        assert operation.get("summary"), f"{where}: no summary"
        assert len(operation.get("description", "")) > 40, f"{where}: no description"
        content = operation["responses"][success]["content"]
        if path in FILE_ROUTES:
            assert FILE_ROUTES[path] in content, f"{where}: file type not declared"
        else:
            assert content["application/json"]["schema"], f"{where}: no response model"
        if "{" in path:
            not_found = operation["responses"]["404"]["content"]["application/json"]["schema"]
            assert not_found == {"$ref": "#/components/schemas/ErrorOut"}, where


def test_every_reference_in_the_schema_resolves(schema: dict[str, Any]) -> None:
    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    components = schema["components"]["schemas"]
    found = list(refs(schema))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in components, f"{ref} does not resolve"


def test_every_api_route_and_parameter_is_in_api_md(schema: dict[str, Any]) -> None:
    missing: list[str] = []
    for path, method, operation in operations(schema):
        section = api_md_section(method, path)
        missing += [
            f"{method} {path}: `{param['name']}`"
            for param in operation.get("parameters", [])
            if f"`{param['name']}`" not in section
        ]
        assert "```sh" in section, f"docs/api.md, {method} {path}: no example"
    assert not missing, f"docs/api.md does not describe parameters {missing}"


def test_power_bi_guide_names_the_routes_it_relies_on() -> None:
    text = (DOCS / "power-bi.md").read_text(encoding="utf-8")
    for route in ("/api/v1/values.csv", "/api/v1/values.parquet", "/api/v1/units"):
        assert route in text
    assert "tilannekuva indicators" in text and "--format parquet" in text
