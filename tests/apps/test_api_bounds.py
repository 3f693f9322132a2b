"""Issue 25, findings 3 and 5: every list of the API bounds `limit` and `offset` (past 2^63
they answered 500), and the OpenAPI document tells the truth: one name per schema, formats
the answers match, and every error status an operation can answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from relais.apps.pagination import MAX_LIMIT, MAX_OFFSET
from relais.config.api import api
from tests.apps.conftest import World, logged_in


def _document() -> dict[str, Any]:
    return api.get_openapi_schema()  # type: ignore[return-value]


def _lists() -> list[str]:
    """Every GET whose parameters include `limit` and `offset`, without path parameters."""
    found = []
    for path, operations in _document()["paths"].items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        if {"limit", "offset"} <= names and "{" not in path:
            found.append(path)
    return sorted(found)


def test_the_paginated_lists_are_found() -> None:
    assert len(_lists()) == 12  # organisation (5), queues, contacts, simulation (2), wfm (2),
    # sourcing (reported days)


@pytest.mark.parametrize("path", _lists())
@pytest.mark.parametrize(
    "query",
    [f"limit={2**64}", f"offset={2**64}", f"limit={MAX_LIMIT + 1}", f"offset={MAX_OFFSET + 1}"],
)
def test_a_list_refuses_a_limit_or_offset_out_of_range(world: World, path: str, query: str) -> None:
    client = logged_in(world.users["administrator"])

    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert query.split("=")[0] in response.json()["message"]


@pytest.mark.parametrize("path", _lists())
def test_a_list_answers_at_the_limits(world: World, path: str) -> None:
    client: Client = logged_in(world.users["administrator"])

    response = client.get(f"{path}?limit={MAX_LIMIT}&offset={MAX_OFFSET}")

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_every_operation_documents_its_error_answers() -> None:
    missing = [
        f"{method.upper()} {path}: {status}"
        for path, operations in _document()["paths"].items()
        for method, operation in operations.items()
        for status in (
            (400, 401, 403, 404, 409)
            if method in {"post", "put", "patch", "delete"}
            else (400, 401, 403, 404)
        )
        if status not in operation["responses"] and str(status) not in operation["responses"]
    ]
    assert missing == []


def test_the_two_overflow_step_schemas_have_names_of_their_own() -> None:
    schemas = _document()["components"]["schemas"]

    assert "site_ids" in schemas["OverflowStepRead"]["properties"]  # a queue's step
    assert "override" in schemas["OverflowOverrideRead"]["properties"]  # a live override


def test_site_hours_are_described_as_the_wall_clock_times_they_are() -> None:
    opening = _document()["components"]["schemas"]["OpeningPeriod"]["properties"]

    assert "format" not in opening["opens_at"]
    assert re.fullmatch(opening["opens_at"]["pattern"], "09:00:00")
    assert not re.fullmatch(opening["opens_at"]["pattern"], "25:00:00")


def test_no_schema_declares_a_time_with_an_offset_it_never_gives() -> None:
    assert '"format": "time"' not in str(_document()).replace("'", '"')
