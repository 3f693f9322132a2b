"""A client's webhook receiver on 127.0.0.1, as the docs tell them to write one: it checks
the signature (the reference implementation below, written from docs/integrations.md, not
from Relais's code), ignores a delivery id it has handled, and can be told to fail first."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def signature_valid(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """The receiver's check: HMAC-SHA256 of "<timestamp>.<body>", hex, after "v1="."""
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(f"v1={expected.hexdigest()}", header)


@dataclass
class Receiver:
    secret: str = ""
    fail_first: int = 0  # answer 500 to this many requests first
    requests: list[dict[str, Any]] = field(default_factory=list)
    effects: dict[str, dict[str, Any]] = field(default_factory=dict)  # by delivery id
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: Any, body: bytes) -> int:
        with self.lock:
            valid = signature_valid(
                self.secret,
                headers.get("Relais-Timestamp", ""),
                body,
                headers.get("Relais-Signature", ""),
            )
            self.requests.append({"headers": dict(headers), "body": body, "valid": valid})
            if not valid:
                return 401
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500
            delivery = headers["Relais-Delivery"]
            if delivery not in self.effects:  # the dedupe: an id handled once has no new effect
                self.effects[delivery] = json.loads(body)
            return 200


def serve(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.handle(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/relais"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
