"""Churn: people who are not always there (`relais traffic --churn`, bench.day_churn).

Bots reload their desktop, lose their network for a few seconds or for longer than the
agents' grace, or close their tab for good (the roster brings another bot in later);
customers reload the widget, close it saying goodbye, or vanish without a word while they
wait. Every bot and customer reconnects after a connection the server cut (a restart), as
the real pages do.

`ChurnReport` is what the run saw from the clients' side, written as JSON at the end for
bench.day_churn: when each bot account had no desktop connection, the customers' messages
the server acknowledged, and the messages left through the widget.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from random import Random


class AgentChurn(StrEnum):
    RELOAD = "reload"  # back within two seconds
    SHORT_DROP = "short_drop"  # network lost for a few seconds, within the grace
    LONG_DROP = "long_drop"  # lost for longer than the grace: the agent is disconnected
    CLOSE_TAB = "close_tab"  # gone for good


class CustomerChurn(StrEnum):
    RELOAD = "reload"
    GOODBYE = "goodbye"  # closes the page (it says goodbye)
    VANISH = "vanish"  # the connection goes silent: no end, no goodbye


@dataclass(frozen=True, slots=True)
class ChurnPolicy:
    """How often each thing happens, per person and per second."""

    agent: tuple[tuple[AgentChurn, float], ...] = (
        (AgentChurn.RELOAD, 1 / 240),
        (AgentChurn.SHORT_DROP, 1 / 300),
        (AgentChurn.LONG_DROP, 1 / 900),
        (AgentChurn.CLOSE_TAB, 1 / 1200),
    )
    customer: tuple[tuple[CustomerChurn, float], ...] = (
        (CustomerChurn.RELOAD, 1 / 120),
        (CustomerChurn.GOODBYE, 1 / 240),
        (CustomerChurn.VANISH, 1 / 240),
    )
    agent_grace_s: float = 20.0

    def agent_event(self, rng: Random, seconds: float) -> AgentChurn | None:
        return _draw(rng, self.agent, seconds)

    def customer_event(self, rng: Random, seconds: float) -> CustomerChurn | None:
        return _draw(rng, self.customer, seconds)

    def away_for(self, rng: Random, event: AgentChurn) -> float:
        """Seconds before an agent's desktop comes back."""
        if event is AgentChurn.RELOAD:
            return rng.uniform(0.3, 2.0)
        if event is AgentChurn.SHORT_DROP:
            return rng.uniform(3.0, self.agent_grace_s / 2)
        return rng.uniform(self.agent_grace_s + 5, self.agent_grace_s + 15)


def _draw[E](rng: Random, table: tuple[tuple[E, float], ...], seconds: float) -> E | None:
    draw = rng.random()
    for event, per_second in table:
        chance = per_second * seconds
        if draw < chance:
            return event
        draw -= chance
    return None


@dataclass
class ChurnReport:
    absences: list[list[object]] = field(default_factory=list)  # [username, gone, back|None]
    acked_client_ids: set[str] = field(default_factory=set)
    left_message_emails: set[str] = field(default_factory=set)
    events: dict[str, int] = field(default_factory=dict)
    _open: dict[str, list[object]] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.events[what] = self.events.get(what, 0) + 1

    def gone(self, username: str, at: float | None = None) -> None:
        """The account's desktop connection ended (nothing if already away)."""
        if username not in self._open:
            entry: list[object] = [username, time.time() if at is None else at, None]
            self._open[username] = entry
            self.absences.append(entry)

    def back(self, username: str, at: float | None = None) -> None:
        entry = self._open.pop(username, None)
        if entry is not None:
            entry[2] = time.time() if at is None else at

    def write(self, path: Path) -> None:
        path.write_text(
            json.dumps(
                {
                    "absences": self.absences,
                    "acked_client_ids": sorted(self.acked_client_ids),
                    "left_message_emails": sorted(self.left_message_emails),
                    "events": self.events,
                }
            )
        )
