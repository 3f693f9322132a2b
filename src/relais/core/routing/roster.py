"""Who may serve which queue: an agent's memberships, computed from the configuration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from random import Random

from relais.core.routing.model import AgentProfile, Site
from relais.core.routing.split import OUTSIDE, group_of
from relais.core.routing.state import AgentRuntime, Membership, QueueRuntime, Ring

__all__ = ["Roster"]


def meets(skills: Mapping[str, int], levels: Mapping[str, int]) -> bool:
    """The agent has every skill at (at least) the required level; level 0: not needed."""
    return all(skills.get(skill, 0) >= level for skill, level in levels.items())


def _anchor_skill(queue: QueueRuntime) -> str | None:
    """A skill every step requires (level >= 1): only agents with it can serve the queue."""
    config = queue.config
    for skill in sorted(config.skills):
        if all(config.levels_at(step).get(skill, 0) >= 1 for step in range(len(config.steps))):
            return skill
    return None


class Roster:
    """Indexes queues by an anchor skill, so that an agent's queues are found quickly."""

    def __init__(self, queues: Iterable[QueueRuntime], seed: int) -> None:
        self._by_skill: dict[str, list[QueueRuntime]] = {}
        self._unanchored: list[QueueRuntime] = []
        self._rng = Random(seed)  # noqa: S311 - seeded for determinism, not secrecy
        for queue in queues:
            self.index(queue)

    def index(self, queue: QueueRuntime) -> None:
        anchor = _anchor_skill(queue)
        if anchor is None:
            self._unanchored.append(queue)
        else:
            self._by_skill.setdefault(anchor, []).append(queue)

    def candidate_queues(self, profile: AgentProfile) -> list[QueueRuntime]:
        found: dict[int, QueueRuntime] = {queue.ordinal: queue for queue in self._unanchored}
        for skill, level in profile.skills.items():
            if level >= 1:
                for queue in self._by_skill.get(skill, ()):
                    found[queue.ordinal] = queue
        return [found[ordinal] for ordinal in sorted(found)]

    def memberships(self, agent: AgentRuntime, site: Site) -> tuple[Membership, ...]:
        """The queues the agent may serve, with the steps whose agents it is."""
        profile = agent.profile
        result: list[Membership] = []
        for queue in self.candidate_queues(profile):
            config = queue.config
            if agent.capacity[queue.channel] <= 0:
                continue
            if config.language is not None and config.language not in profile.languages:
                continue
            if queue.queue_id in profile.held_queues:
                continue
            rings: list[Ring] = [
                queue.rings[index]
                for index, step in enumerate(config.steps)
                if step.target.matches(site) and meets(profile.skills, config.levels_at(index))
            ]
            if not rings:
                continue
            score = -float(sum(profile.skills.get(skill, 0) for skill in config.skills))
            turn = self._rng.random() - 1.0  # a seeded first turn for round robin
            group = OUTSIDE if config.split is None else group_of(config.split, site)
            result.append(Membership(queue, tuple(rings), score, turn, group))
        return tuple(result)
