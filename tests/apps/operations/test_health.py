"""Health endpoints of each kind of process go unhealthy when a dependency stops."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from relais.apps.operations.listener import health_listener_start
from relais.apps.realtime.leadership import LEADERSHIPS, Leadership
from tests.apps.operations.services import free_port, get_json, redis_server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_leaderships() -> Iterator[None]:
    """The leaderships a test makes in this process are forgotten after it."""
    kept = dict(LEADERSHIPS)
    yield
    LEADERSHIPS.clear()
    LEADERSHIPS.update(kept)


def test_the_web_process_is_ready_with_its_database_and_channel_layer(settings: Any) -> None:
    answer = Client().get("/health/ready")
    layer = "redis" if settings.REDIS_URL else "in-memory"  # test-pg runs with Redis

    assert answer.status_code == 200
    checks = answer.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["channel_layer"] == {"ok": True, "detail": layer}
    assert Client().get("/health/live").status_code == 200


def test_the_web_process_is_not_ready_once_its_redis_is_stopped(
    settings: Any, tmp_path: Path
) -> None:
    with redis_server(tmp_path) as (url, redis):
        settings.REDIS_URL = url
        assert Client().get("/health/ready").status_code == 200

        redis.kill()
        redis.wait(10)
        answer = Client().get("/health/ready")

    assert answer.status_code == 503
    assert answer.json()["status"] == "unhealthy"
    assert answer.json()["checks"]["channel_layer"]["ok"] is False
    assert answer.json()["checks"]["database"]["ok"] is True
    assert Client().get("/health/live").status_code == 200  # a restart would cure nothing


def test_a_process_whose_database_is_unreachable_is_unhealthy(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/relais",
        "RELAIS_DATA_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)

    done = subprocess.run(
        [sys.executable, "-m", "relais.cli", "health", "--process", "jobs"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["status"] == "unhealthy"
    assert report["checks"]["database"]["ok"] is False


def test_the_voice_health_listener_is_unhealthy_without_rtpengine_and_kamailio(
    settings: Any,
) -> None:
    settings.VOICE_NG_ADDRESS = f"127.0.0.1:{free_port()}"  # no rtpengine there
    settings.HEALTH_KAMAILIO = f"127.0.0.1:{free_port()}"  # no Kamailio there
    Leadership(0x56_4F_49_43, role="voice").beat_now("active")  # the voice loop, going round
    server = health_listener_start("voice", "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        status, ready = get_json(f"{base}/health/ready")
        live_status, live = get_json(f"{base}/health/live")
    finally:
        server.shutdown()
        server.server_close()

    assert status == 503
    assert ready["process"] == "voice"
    assert ready["checks"]["rtpengine"]["ok"] is False
    assert ready["checks"]["kamailio"]["ok"] is False
    assert ready["checks"]["voice"] == {"ok": True, "detail": "active"}
    assert live_status == 200
    assert set(live["checks"]) == {"voice"}


def test_a_stalled_loop_is_not_live(settings: Any) -> None:
    leadership = Leadership(0x52_4F_55_54, role="router")
    leadership.beat -= 3600  # its loop has not gone round for an hour
    server = health_listener_start("router", "127.0.0.1", 0)
    try:
        status, live = get_json(f"http://127.0.0.1:{server.server_port}/health/live")
    finally:
        server.shutdown()
        server.server_close()

    assert status == 503
    assert live["checks"]["router"]["ok"] is False
    assert "stalled" in live["checks"]["router"]["detail"]
