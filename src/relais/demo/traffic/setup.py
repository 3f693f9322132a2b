"""What the generator reads from the database before it starts talking to the server
over HTTP and WebSocket only: the demo queues customers can use (those with an active
widget topic, loaded by `relais demo`), the agents the bots play and those left free.
"""

from __future__ import annotations

from collections.abc import Iterable

from relais.apps.chat.models import ChatTopic
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import AgentPresence
from relais.apps.interactions.services import agent_logout
from relais.apps.organisation.models import Agent, Site
from relais.apps.routing.config import site_schedule
from relais.apps.routing.models import Channel
from relais.core.routing import Schedule
from relais.demo.traffic.model import DemoQueue
from relais.demo.traffic.state import BotAccount

# One agent per site stays free for a person to log in (camille.durand is Lille's first).
DEFAULT_FREE = ("camille.durand",)


def usable_queues(queues: Iterable[DemoQueue]) -> list[DemoQueue]:
    """The demo queues whose widget topic is active and leads to an active chat queue."""
    queues = list(queues)
    topics = {
        topic.code: topic
        for topic in ChatTopic.objects.filter(
            code__in=[queue.topic for queue in queues], active=True
        ).select_related("queue")
    }
    return [
        queue
        for queue in queues
        if (topic := topics.get(queue.topic)) is not None
        and topic.queue.code == queue.code
        and topic.queue.channel == Channel.CHAT
        and topic.queue.active
    ]


def choose_bots(
    *, keep_free: Iterable[str] = (), one_free_per_site: bool = True, limit: int | None = None
) -> tuple[list[BotAccount], list[str]]:
    """The agents the bots play, and those left free for people.

    Free: `camille.durand`, the usernames in `keep_free`, and (unless told otherwise) the
    first agent of each site that has none free yet. Bots: every other active agent, at
    most `limit`, taken round the sites so that a small number still covers every site."""
    agents = list(
        Agent.objects.filter(active=True, user__is_active=True, site__active=True)
        .select_related("user", "site")
        .prefetch_related("site__opening_hours")
        .order_by("site__name", "pk")
    )
    free = {*DEFAULT_FREE, *keep_free}
    sites_with_free = {a.site_id for a in agents if a.user.username in free}
    by_site: dict[int, list[Agent]] = {}
    for agent in agents:
        if one_free_per_site and agent.site_id not in sites_with_free:
            free.add(agent.user.username)
            sites_with_free.add(agent.site_id)
            continue
        if agent.user.username not in free:
            by_site.setdefault(agent.site_id, []).append(agent)
    ordered: list[Agent] = []
    columns = list(by_site.values())
    for rank in range(max((len(column) for column in columns), default=0)):
        ordered.extend(column[rank] for column in columns if rank < len(column))
    if limit is not None:
        ordered = ordered[: max(limit, 0)]
    bots = [
        BotAccount(
            a.user.username,
            a.user.first_name or a.user.username,
            a.site.name,
            a.site.time_zone,
            chat_capacity=a.capacity_chat,
            site_hours=_hours(a.site),
        )
        for a in ordered
    ]
    present = {a.user.username for a in agents}
    return bots, sorted(name for name in free if name in present)


def _hours(site: Site) -> Schedule | None:
    """The site's opening hours; a site without any is taken as always open."""
    periods = list(site.opening_hours.all())
    return site_schedule(site, periods) if periods else None


def log_out_bots(bots: Iterable[BotAccount]) -> int:
    """Bots still logged in (the server went away before they could log out, e.g. both
    stopped by the same Ctrl-C) are logged out through the interactions service; their
    contacts go back to their queue when the router next runs. Returns how many."""
    usernames = [bot.username for bot in bots]
    agents = Agent.objects.filter(user__username__in=usernames).select_related("user")
    logged_in = {
        presence.agent_id
        for presence in AgentPresence.objects.filter(agent__in=agents)
        if presence.logged_in
    }
    count = 0
    for agent in agents:
        if agent.pk in logged_in:
            try:
                agent_logout(actor=agent.user, agent=agent)
            except RelaisError:  # logged out meanwhile
                continue
            count += 1
    return count
