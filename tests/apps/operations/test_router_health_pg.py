"""A router pair on PostgreSQL, seen through their health listeners: one active, one healthy
standby; both unhealthy once their Redis stops; the standby active once the active one dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.apps.operations.services import (
    free_port,
    get_json,
    process_stop,
    redis_server,
    wait_for,
)
from tests.apps.router.test_failover_pg import child_database_url

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_a_router_pair_reports_active_and_standby_and_their_redis_stopping(
    tmp_path: Path,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-pg)")
    ports = [free_port(), free_port()]
    routers: list[subprocess.Popen[bytes]] = []
    with redis_server(tmp_path) as (redis_url, redis):
        env = {
            **os.environ,
            "DATABASE_URL": child_database_url(),
            "REDIS_URL": redis_url,
            "RELAIS_DATA_DIR": str(tmp_path),
        }
        try:
            for port in ports:
                routers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "relais.cli", "router"],
                        env={**env, "RELAIS_HEALTH_PORT": str(port)},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )

            def roles() -> list[str] | None:
                found = [get_json(f"http://127.0.0.1:{port}/health/ready") for port in ports]
                details = sorted(body["checks"]["router"]["detail"] for _, body in found)
                ok = all(status == 200 for status, _ in found)
                return details if ok and details == ["active", "standby"] else None

            assert wait_for(roles, timeout=120) == ["active", "standby"]

            redis.kill()
            redis.wait(10)
            for port in ports:
                status, body = get_json(f"http://127.0.0.1:{port}/health/ready")
                assert status == 503
                assert body["checks"]["channel_layer"]["ok"] is False
                assert body["checks"]["database"]["ok"] is True

            active = next(
                index
                for index, port in enumerate(ports)
                if get_json(f"http://127.0.0.1:{port}/health/ready")[1]["checks"]["router"][
                    "detail"
                ]
                == "active"
            )
            routers[active].send_signal(signal.SIGKILL)
            routers[active].wait(10)
            standby = ports[1 - active]

            def took_over() -> bool:
                body = get_json(f"http://127.0.0.1:{standby}/health/live")[1]
                return bool(body["checks"]["router"]["detail"] == "active")

            assert wait_for(took_over, timeout=60)
        finally:
            for process in routers:
                process_stop(process, timeout=20)
            connection.close()
