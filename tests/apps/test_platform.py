"""The platform around the apps: API docs served locally, the channel layer configured."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_api_docs_and_schema_are_served_without_any_cdn() -> None:
    client = Client()

    docs = client.get("/api/docs")
    schema = client.get("/api/openapi.json")

    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()
    assert "/v1/agents" in " ".join(schema.json()["paths"])


def test_the_channel_layer_carries_a_group_message() -> None:
    """In-memory by default; with REDIS_URL (make test-pg) this goes through real Redis."""
    layer = get_channel_layer()
    assert layer is not None
    expected_backend = "RedisPubSubChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert type(layer).__name__ == expected_backend
    group = f"test-{uuid.uuid4().hex}"

    async def round_trip() -> dict[str, object]:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        await layer.group_send(group, {"type": "offer.made", "contact": 42})
        message = await layer.receive(channel)
        await layer.group_discard(group, channel)
        return dict(message)

    assert async_to_sync(round_trip)() == {"type": "offer.made", "contact": 42}


@pytest.mark.django_db
def test_text_with_nul_is_refused_before_any_view() -> None:
    """PostgreSQL stores no U+0000 (the API fuzzer's 500 on POST /simulation/scenarios)."""
    from django.test import Client

    client = Client()
    api = client.post(
        "/api/v1/simulation/scenarios",
        data='{"name": "a\\u0000b", "toml": ""}',
        content_type="application/json",
    )
    page = client.post(
        "/accounts/login/",
        "username=a%00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    query = client.get("/help/", {"q": "lampe\x00"})
    clean = client.get("/help/", {"q": "lampe"})

    assert api.status_code == 400
    assert api.json()["code"] == "invalid_input"
    assert page.status_code == 400
    assert query.status_code == 400
    assert clean.status_code == 200


def test_a_body_too_large_is_refused_as_json_before_any_view(settings: Any) -> None:
    """The API fuzzer's huge body: a JSON 400 naming the limit, not an HTML page and a traceback."""
    from django.test import Client

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"rows": [' + ",".join(['{"day": "2026-12-01"}'] * 100) + "]}"

    answer = Client().post(
        "/api/v1/sourcing/reported-days", data=body, content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_input"
    assert "1000" in answer.json()["message"] + str(answer.json().get("details", ""))
