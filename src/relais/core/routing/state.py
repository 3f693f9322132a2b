"""The engine's runtime state: mutable `__slots__` records, private to the package.

Index layout (see docs/routing.md):

- every queue has one `Ring` per overflow step: the pool of agents who match that step
  and can take the queue's channel now, ordered by the queue's strategy (`pools.py`);
- every queue has one heap of waiting contacts per step, keyed (-priority, place, seq), where
  `place` is `queued_at`, or far before it for a contact put back at the head of its queue;
- heaps are cleaned lazily: an entry is valid while its version/token still matches.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, NamedTuple

from relais.core.routing.model import (
    REAL_TIME_CHANNELS,
    AgentProfile,
    AgentState,
    BreakReason,
    Channel,
    ContactId,
    ContactState,
    QueueConfig,
    Site,
)
from relais.core.routing.split import OUTSIDE, SplitRuntime

if TYPE_CHECKING:
    from relais.core.routing.hours import Schedule

__all__ = [
    "HEAD_SHIFT",
    "N_CHANNELS",
    "REAL_TIME",
    "AgentEntry",
    "AgentRuntime",
    "Band",
    "ChannelPlan",
    "ContactEntry",
    "ContactRuntime",
    "HoursTracker",
    "Membership",
    "QueueRuntime",
    "Ring",
    "put_at_head",
]

N_CHANNELS = len(Channel)
#: How far before its queued time a contact put back at the head of its queue is placed:
#: before every contact queued normally, and the head contacts among them in queued order.
HEAD_SHIFT = 1e10
REAL_TIME = tuple(channel in REAL_TIME_CHANNELS for channel in Channel)

# (strategy key, push sequence, agent version, agent index): only atomic values, so the
# garbage collector stops tracking the (many) entries.
type AgentEntry = tuple[float, int, int, int]
# (-priority, place, contact seq, contact token, contact)
type ContactEntry = tuple[int, float, int, int, ContactRuntime]


class Band:
    """One band of a ring's pool: agent stamps in key order (see `pools.py`)."""

    __slots__ = ("offset", "stamps")

    def __init__(self, offset: float) -> None:
        self.offset = offset  # band × BAND: an entry's key is offset + the agent's idle time
        self.stamps: deque[int] = deque()


class Ring:
    """The agents of one overflow step of one queue, and their pool (see `pools.py`)."""

    __slots__ = ("band_for", "bands", "heap", "index", "limit", "logged_in", "open", "queue")

    def __init__(self, queue: QueueRuntime, index: int) -> None:
        self.queue = queue
        self.index = index
        self.bands: list[Band] = []
        self.band_for: dict[float, Band] = {}
        self.heap: list[AgentEntry] = []  # round robin, and entries older than their band's
        self.logged_in = 0
        self.limit = 64  # a band or the heap longer than this is cleared of stale entries
        self.open = True

    @property
    def passable(self) -> bool:
        """Nobody to offer to: a step with `skip_if_empty` is passed at once."""
        return self.logged_in == 0 or not self.open


class QueueRuntime:
    __slots__ = (
        "channel",
        "config",
        "exhausted_after",
        "handle_s",
        "hours",
        "hours_open",
        "hours_valid_until",
        "last_step",
        "members",
        "ordinal",
        "priority",
        "queue_id",
        "rings",
        "rr_counter",
        "shares_calls",
        "skip_flags",
        "split",
        "steps_after",
        "strategy",
        "waiting",
        "waiting_count",
    )

    def __init__(self, config: QueueConfig, ordinal: int) -> None:
        self.config = config
        self.ordinal = ordinal
        self.members: dict[str, AgentRuntime] = {}
        self.queue_id = config.queue_id
        self.channel = int(config.channel)
        # its contacts and a call may be in an agent's hands at once
        self.shares_calls = config.chats_during_calls and not REAL_TIME[self.channel]
        self.strategy = config.strategy
        self.priority = config.priority
        self.steps_after = tuple(step.after_s for step in config.steps)
        self.skip_flags = tuple(step.skip_if_empty for step in config.steps)
        self.last_step = len(config.steps) - 1
        self.rings = tuple(Ring(self, index) for index in range(len(config.steps)))
        self.waiting: tuple[list[ContactEntry], ...] = tuple([] for _ in config.steps)
        self.waiting_count = 0
        self.rr_counter = 0
        self.handle_s = config.expected_handle_s
        self.hours: Schedule | None = config.hours
        self.hours_open = True
        self.hours_valid_until = -1.0
        self.exhausted_after = config.exhausted.after_s
        self.split = None if config.split is None else SplitRuntime(config.split)


class Membership:
    """One agent in one queue: the steps whose agents they are, and strategy data."""

    __slots__ = ("group", "queue", "rings", "rr_turn", "score")

    def __init__(
        self,
        queue: QueueRuntime,
        rings: tuple[Ring, ...],
        score: float,
        turn: float,
        group: int = OUTSIDE,
    ) -> None:
        self.queue = queue
        self.rings = rings
        self.score = score  # -(sum of skill levels): lower is better
        self.rr_turn = turn
        self.group = group  # the queue's split group the agent counts for (split.py)


class ChannelPlan(NamedTuple):
    """Where an agent's entries go when it can take `channel`."""

    channel: int
    real_time: bool
    shares: bool  # its queues' contacts may share the agent with a call (chats_during_calls)
    fixed: tuple[tuple[Ring, deque[int]], ...]  # longest idle, best skill: the band's FIFO
    occupancy: tuple[Ring, ...]  # least occupied: the band depends on the load
    turn: tuple[tuple[Membership, tuple[Ring, ...]], ...]  # round robin: the heap


class AgentRuntime:
    __slots__ = (
        "agent_id",
        "break_reason",
        "by_queue",
        "capacity",
        "contacts",
        "index",
        "last_activity",
        "load",
        "logged_in",
        "memberships",
        "missed",
        "offline_state",
        "plan",
        "pool_idle",
        "pool_seq",
        "profile",
        "reachable",
        "real_time_load",
        "shared_load",
        "shares",
        "site",
        "state",
        "token",
        "total_load",
        "unreachable_since",
        "version",
        "wrap_count",
    )

    def __init__(self, profile: AgentProfile, site: Site, index: int) -> None:
        self.agent_id = profile.agent_id
        self.profile = profile
        self.site = site
        self.index = index
        self.capacity = [profile.capacity.get(channel, 0) for channel in Channel]
        self.load = [0] * N_CHANNELS
        self.total_load = 0
        self.real_time_load = 0
        self.shared_load = 0  # contacts of queues whose contacts may share the agent with a call
        self.shares = False  # a member of such a queue
        self.wrap_count = 0
        self.logged_in = False
        self.break_reason: BreakReason | None = None
        self.version = 0
        self.last_activity = 0.0
        self.memberships: tuple[Membership, ...] = ()
        self.by_queue: dict[str, Membership] = {}
        self.plan: tuple[ChannelPlan, ...] = ()  # where its pool entries go (pools.py)
        self.pool_idle = 0.0  # idle time and sequence of the refresh that made its entries
        self.pool_seq = 0
        self.missed = 0
        self.contacts: dict[int, ContactRuntime] = {}
        self.state = AgentState.OFFLINE
        self.offline_state = AgentState.OFFLINE  # or DISCONNECTED, after a lost connection
        # Whether a connection of the agent's is alive (the live router's presence leases;
        # always True unless the engine has a `disconnect_grace_s`), since when it is not,
        # and the token of the disconnection timer (a new one cancels the old).
        self.reachable = True
        self.unreachable_since = 0.0
        self.token = 0

    def may_take(self, queue: QueueRuntime) -> bool:
        """Ready and reachable with free capacity on the queue's channel; a call only when
        nothing else is in hand but contacts of queues that allow both, and another contact
        during a call only from such a queue (the rule `pools.py` and `matching.py` apply)."""
        channel = queue.channel
        if not (
            self.logged_in
            and self.reachable
            and self.break_reason is None
            and self.load[channel] < self.capacity[channel]
        ):
            return False
        if REAL_TIME[channel]:
            return self.total_load == self.shared_load
        return self.real_time_load == 0 or queue.shares_calls

    def hold(self, queue: QueueRuntime, delta: int) -> None:
        """One contact of `queue` more (`delta` 1) or fewer (-1) in the agent's hands."""
        channel = queue.channel
        self.load[channel] += delta
        self.total_load += delta
        if REAL_TIME[channel]:
            self.real_time_load += delta
        elif queue.shares_calls:
            self.shared_load += delta


class ContactRuntime:
    __slots__ = (
        "agent",
        "at_head",
        "callback_offered",
        "contact_id",
        "declined",
        "direct",
        "place",
        "priority",
        "queue",
        "queued_at",
        "seq",
        "started_at",
        "state",
        "step",
        "token",
        "wake_at",
    )

    def __init__(
        self, contact_id: ContactId, seq: int, queue: QueueRuntime, priority: int, at: float
    ) -> None:
        self.contact_id = contact_id
        self.seq = seq
        self.queue = queue
        self.priority = priority
        self.queued_at = at
        self.place = at  # its place in the line (see `put_at_head`)
        self.at_head = False
        self.started_at = at
        self.step = 0
        self.state = ContactState.WAITING
        self.token = 0
        self.agent: AgentRuntime | None = None
        self.declined: set[int] | None = None
        self.direct = False
        self.callback_offered = False
        self.wake_at = -1.0  # due time of its one live overflow/exhausted timer


class HoursTracker:
    """One schedule used by overflow steps, with its cached state and next change."""

    __slots__ = ("next_change", "open", "rings", "schedule", "token")

    def __init__(self, schedule: Schedule, at: float) -> None:
        self.schedule = schedule
        self.open = schedule.is_open(at)
        self.next_change = schedule.next_change(at)
        self.rings: list[Ring] = []
        self.token = 0


def put_at_head(contact: ContactRuntime) -> None:
    """The contact's place: before every contact of its priority queued normally (a call
    whose agent was lost); its queued time, and so its overflow steps, are unchanged."""
    contact.at_head = True
    contact.place = contact.queued_at - HEAD_SHIFT
