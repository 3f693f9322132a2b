"""channels.testing's WebsocketCommunicator, importable without Daphne."""

from __future__ import annotations

import sys
import types


def _without_daphne() -> None:
    """channels.testing imports Daphne for its live-server test case, which we do not use
    (uvicorn serves Relais): give that import an empty stand-in when Daphne is absent."""
    try:
        import daphne.testing  # noqa: F401
    except ImportError:
        stub = types.ModuleType("daphne.testing")
        stub.DaphneProcess = object  # type: ignore[attr-defined]
        sys.modules.setdefault("daphne", types.ModuleType("daphne"))
        sys.modules["daphne.testing"] = stub


_without_daphne()

from channels.testing import WebsocketCommunicator  # noqa: E402

__all__ = ["WebsocketCommunicator"]
