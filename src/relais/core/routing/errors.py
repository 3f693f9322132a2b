"""Refusals: an invalid request raises `RoutingError` and changes nothing."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RoutingError", "RoutingErrorCode"]


class RoutingErrorCode(StrEnum):
    UNKNOWN_AGENT = "unknown_agent"
    UNKNOWN_CONTACT = "unknown_contact"
    UNKNOWN_QUEUE = "unknown_queue"
    UNKNOWN_SITE = "unknown_site"
    DUPLICATE_AGENT = "duplicate_agent"
    DUPLICATE_CONTACT = "duplicate_contact"
    DUPLICATE_QUEUE = "duplicate_queue"
    INVALID_TRANSITION = "invalid_transition"
    AGENT_UNAVAILABLE = "agent_unavailable"


class RoutingError(Exception):
    """A request the engine refuses; `code` is stable, `message` is for people."""

    def __init__(self, code: RoutingErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
