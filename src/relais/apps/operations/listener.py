"""The health listener of the processes that serve no HTTP: `relais router`, `relais voice`,
`relais db_worker` (docs/operations.md, "Health"). On `RELAIS_HEALTH_HOST:RELAIS_HEALTH_PORT`
(127.0.0.1, no port: no listener), a thread answers `GET /health/live`, `/health/ready`
(200 or 503, JSON) and `/metrics` (this process's counters)."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import close_old_connections

from relais.apps.operations.exposition import CONTENT_TYPE, metrics_text
from relais.apps.operations.health import process_health

logger = logging.getLogger("relais.operations")


def _handler(process: str) -> type[BaseHTTPRequestHandler]:
    class HealthHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._answer(200, metrics_text(record=False), CONTENT_TYPE)
                return
            if path not in {"/health/live", "/health/ready"}:
                self._answer(404, b"{}", "application/json")
                return
            try:
                health = process_health(process)
            finally:
                close_old_connections()
            live = path == "/health/live"
            ok = health.live if live else health.ready
            body = json.dumps(health.as_dict(only_live=live)).encode()
            self._answer(200 if ok else 503, body, "application/json")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the probe gave up waiting: nothing to tell it

        def log_message(self, format: str, *args: object) -> None:
            pass  # probes every few seconds: not worth a line each

    return HealthHandler


def health_listener_start(process: str, host: str, port: int) -> ThreadingHTTPServer:
    """Serve the health of `process` (a kind of `health.PROCESS_KINDS`) in a daemon thread."""
    server = ThreadingHTTPServer((host, port), _handler(process))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="relais-health", daemon=True)
    thread.start()
    logger.info("%s: health on http://%s:%s/health/ready", process, host, server.server_port)
    return server
