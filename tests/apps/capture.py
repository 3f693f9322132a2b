"""What a call costs and what it pushes, in one test: its database queries counted and the
frames it sends to browsers captured (as Zulip's `assert_database_query_count` with
`capture_send_event_calls`).

Every push leaves through the channel layer's `group_send` (apps/realtime/push.py), after
commit or, for frames that are not stored, at once. The `recording_layer` fixture
(tests/apps/conftest.py) sets a channel layer that records each group send before
delivering it as the in-memory layer does; `captured()` counts the queries of its block,
runs the on-commit callbacks the block left waiting and keeps the pushes made meanwhile.
In a `transaction=True` test the callbacks run at each commit, as in production; in a test
wrapped in a transaction nothing commits, so they run at the end of the block, after any
push sent at once. Nothing is mocked: the services, the database and the layer are the
real ones.

    with captured() as step:
        router.step()
    assert step.query_count == 15
    assert step.sent == [("desk-3", "offer.made"), ("desk-3", "presence.changed")]
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Push:
    """One frame sent to a group's consumers (their method `handler`)."""

    group: str
    handler: str
    frame: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.frame.get("type", ""))


class RecordingChannelLayer(InMemoryChannelLayer):
    """The in-memory layer, keeping every group send in `pushes`, in the order sent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pushes: list[Push] = []

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.pushes.append(Push(group, str(message.get("type", "")), dict(message["frame"])))
        await super().group_send(group, message)


@pytest.fixture
def recording_layer(settings: Any) -> RecordingChannelLayer:
    """The channel layer of the test records what is pushed (request it after any fixture
    that sets CHANNEL_LAYERS, such as `chat_world`)."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": f"{RecordingChannelLayer.__module__}.RecordingChannelLayer"}
    }
    layer = get_channel_layer()
    assert isinstance(layer, RecordingChannelLayer)
    return layer


@dataclass
class Captured:
    """The queries a block ran (their SQL) and the pushes it made."""

    queries: list[str] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)

    @property
    def query_count(self) -> int:
        return len(self.queries)

    @property
    def sent(self) -> list[tuple[str, str]]:
        """(group, frame type) of each push, in order."""
        return [(push.group, push.kind) for push in self.pushes]


@contextlib.contextmanager
def captured() -> Iterator[Captured]:
    """Count the queries of the block and capture its pushes (see the module's docstring)."""
    layer = get_channel_layer()
    assert isinstance(layer, RecordingChannelLayer), "request the recording_layer fixture"
    start = len(layer.pushes)
    result = Captured()
    with (
        CaptureQueriesContext(connection) as queries,
        TestCase.captureOnCommitCallbacks(using=connection.alias, execute=True),
    ):
        yield result
    result.queries = [query["sql"] for query in queries.captured_queries]
    result.pushes = layer.pushes[start:]


#: What a step must cost and send: its queries per database vendor (`connection.vendor`),
#: and its pushes as (group, frame type), groups written as templates ("desk-{agent}").
type Expected = tuple[dict[str, int], list[tuple[str, str]]]


class Steps:
    """The steps of a scenario, each run under `captured()`, compared with a table at the
    end: one failure shows every step that changed, with the SQL of those whose count did."""

    def __init__(self) -> None:
        self.measured: dict[str, Captured] = {}

    def run[T](self, name: str, call: Callable[[], T]) -> T:
        with captured() as step:
            result = call()
        self.measured[name] = step
        return result

    def assert_as_expected(self, table: dict[str, Expected], **ids: object) -> None:
        """Each step's exact query count on this database, and its exact pushes in order;
        `ids` fill the group templates."""
        vendor = connection.vendor
        queries = {name: step.query_count for name, step in self.measured.items()}
        pushes = {name: step.sent for name, step in self.measured.items()}
        want_queries = {name: counts[vendor] for name, (counts, _) in table.items()}
        want_pushes = {
            name: [(group.format(**ids), kind) for group, kind in sent]
            for name, (_, sent) in table.items()
        }
        changed = [name for name in queries if queries[name] != want_queries.get(name)]
        sql = "\n".join(
            f"{name} on {vendor}:\n  " + "\n  ".join(self.measured[name].queries)
            for name in changed
        )
        assert queries == want_queries, (
            f"queries on {vendor}: {queries}; the SQL of the steps that changed:\n{sql}"
        )
        assert pushes == want_pushes, f"pushes: {pushes}"
