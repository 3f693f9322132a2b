"""Health of each kind of process: what it depends on, checked now (docs/operations.md).

- web: the database and the channel layer;
- router: the database, the channel layer, and its place in the active/standby pair (active
  with the lock, or a standby whose lock connection works), its loop going round;
- voice: the database, rtpengine (ng `ping`), Kamailio (SIP `OPTIONS`) and its place in its pair;
- jobs: the database, and no job waiting longer than `RELAIS_HEALTH_JOB_WAIT_S`.

`live` is what a restart would cure (a stalled loop); `ready` is every check.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from relais.apps.operations.queries import database_ping
from relais.apps.realtime.leadership import LEADERSHIPS

PROCESS_KINDS = ("web", "router", "voice", "jobs")

#: A loop (router, voice lock watch) not seen going round for this long is stalled.
STALLED_S = 15.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    live: bool = False  # failing it means the process itself is stuck: restart it


@dataclass(frozen=True)
class Health:
    process: str
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def live(self) -> bool:
        return all(check.ok for check in self.checks if check.live)

    def as_dict(self, *, only_live: bool = False) -> dict[str, object]:
        checks = [c for c in self.checks if c.live or not only_live]
        ok = self.live if only_live else self.ready
        return {
            "status": "ok" if ok else "unhealthy",
            "process": self.process,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        }


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def database_check() -> Check:
    try:
        database_ping()
    except Exception as error:
        close_old_connections()
        connection.close()
        return Check("database", ok=False, detail=_first_line(error))
    return Check("database", ok=True, detail=connection.vendor)


def channel_layer_check() -> Check:
    """Redis answers PING (a new connection, one second at most); in-memory: nothing to ask."""
    if not settings.REDIS_URL:
        return Check("channel_layer", ok=True, detail="in-memory")
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1.0, socket_timeout=1.0
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:
        return Check("channel_layer", ok=False, detail=_first_line(error))
    return Check("channel_layer", ok=True, detail="redis")


def leadership_check(role: str) -> Check:
    """This process's place in its active/standby pair (realtime.leadership)."""
    leadership = LEADERSHIPS.get(role)
    if leadership is None:
        return Check(role, ok=False, detail="not running in this process", live=True)
    if time.monotonic() - leadership.beat > STALLED_S:
        return Check(role, ok=False, detail=f"stalled ({leadership.state})", live=True)
    if leadership.state == "active":
        return Check(role, ok=True, detail="active", live=True)
    if leadership.state == "standby" and not leadership.error:
        return Check(role, ok=True, detail="standby", live=True)
    return Check(role, ok=False, detail=leadership.error or leadership.state, live=True)


def rtpengine_check() -> Check:
    from relais.apps.voice.b2bua.runner import address
    from relais.apps.voice.stack.rtpengine import rtpengine_ping

    if rtpengine_ping(address(settings.VOICE_NG_ADDRESS), timeout_s=0.5):
        return Check("rtpengine", ok=True, detail=settings.VOICE_NG_ADDRESS)
    return Check("rtpengine", ok=False, detail=f"no pong at {settings.VOICE_NG_ADDRESS}")


def kamailio_check() -> Check:
    from relais.apps.voice.b2bua.runner import address
    from relais.apps.voice.stack.processes import sip_options_ping

    if not settings.HEALTH_KAMAILIO:
        return Check("kamailio", ok=True, detail="not configured (RELAIS_HEALTH_KAMAILIO)")
    if sip_options_ping(address(settings.HEALTH_KAMAILIO), timeout_s=1.0):
        return Check("kamailio", ok=True, detail=settings.HEALTH_KAMAILIO)
    return Check("kamailio", ok=False, detail=f"no 200 to OPTIONS at {settings.HEALTH_KAMAILIO}")


def job_queue_check() -> Check:
    """The oldest job ready to run has not waited longer than `HEALTH_JOB_WAIT_S`."""
    from django_tasks_db.models import DBTaskResult

    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    except Exception as error:
        close_old_connections()
        return Check("job_queue", ok=False, detail=_first_line(error))
    if oldest is None:
        return Check("job_queue", ok=True, detail="empty")
    waited = (timezone.now() - oldest.enqueued_at).total_seconds()
    if waited > settings.HEALTH_JOB_WAIT_S:
        return Check("job_queue", ok=False, detail=f"a job has waited {waited:.0f} s")
    return Check("job_queue", ok=True, detail=f"oldest waited {waited:.0f} s")


_CHECKS: dict[str, tuple[Callable[[], Check], ...]] = {
    "web": (database_check, channel_layer_check),
    "router": (database_check, channel_layer_check, lambda: leadership_check("router")),
    "voice": (database_check, rtpengine_check, kamailio_check, lambda: leadership_check("voice")),
    "jobs": (database_check, job_queue_check),
}


def process_health(process: str) -> Health:
    """Every check of a process kind (`PROCESS_KINDS`), run now."""
    return Health(process, tuple(check() for check in _CHECKS[process]))
