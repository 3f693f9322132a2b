"""Structured logs: one JSON object a line, each carrying the process, the request and the
contact it is about, so that one contact can be followed across the web processes, the router
and the voice service (docs/operations.md, "Logs").

`RELAIS_LOG_FORMAT=json` turns them on (`settings.LOGGING`); the default is the human-readable
line `make demo` prints. The contact's trail (logger `relais.trail`: every request and every
router decision about it, with its id) is written at INFO when JSON is on, and kept quiet
otherwise (`RELAIS_LOG_TRAIL`).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import uuid
from typing import Any

from relais.apps.telemetry.metrics import ERRORS

#: The request being served (HTTP: the `X-Request-ID` header or a new id).
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("relais_request_id", default="")

#: The logger of the contact's trail: requests appended to the event log, router decisions.
trail = logging.getLogger("relais.trail")

#: Which kind of process this is (web, router, voice, jobs, command), set by its entry point.
_process = {"kind": os.environ.get("RELAIS_PROCESS", "command")}

#: Fields of a record that are its own, not extras passed with `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def process_kind_set(kind: str) -> None:
    _process["kind"] = kind


def process_kind() -> str:
    return _process["kind"]


def new_request_id(offered: str = "") -> str:
    """The proxy's id when it gave a sensible one (`X-Request-ID`), else a new one."""
    cleaned = "".join(c for c in offered[:64] if c.isalnum() or c in "-_.")
    return cleaned or uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, process kind and pid, the
    request id in progress, and whatever the call passed with `extra=` (`contact_id`, …)."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": process_kind(),
            "pid": record.process,
        }
        current = request_id.get()
        if current:
            event["request_id"] = current
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                event[key] = value
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, default=str, ensure_ascii=False)


class ErrorCounter(logging.Handler):
    """Counts what is logged at ERROR and above (`relais_errors_total`), by logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        ERRORS.labels(process=process_kind(), logger=record.name).inc()


def logging_config(*, json_format: bool, level: str, trail_level: str) -> dict[str, Any]:
    """`settings.LOGGING`: the console in JSON or for people, and the error counter."""
    console: dict[str, Any] = {"class": "logging.StreamHandler"}
    if json_format:
        console["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "relais.apps.telemetry.logs.JsonFormatter"}},
        "handlers": {
            "console": console,
            "errors": {"()": "relais.apps.telemetry.logs.ErrorCounter"},
        },
        "root": {"handlers": ["console", "errors"], "level": level},
        "loggers": {
            # django-axes logs every sign-in at INFO; lockouts are warnings.
            "axes": {"level": "WARNING"},
            "relais.trail": {"level": trail_level},
        },
    }
