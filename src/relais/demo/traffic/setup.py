"""What the generator reads from (and, for the widget's topics, adds to) the database,
before it starts talking to the server over HTTP and WebSocket only.

The demo company (`relais demo`) has the queues but no chat topic, so the widget would
offer nothing: `ensure_topics` adds one topic per demo chat queue, idempotently and
audited (the chat app has no service for topics; its admin writes them the same way).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from relais.apps.audit.services import audit_record
from relais.apps.chat.models import ChatTopic
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import AgentPresence
from relais.apps.interactions.services import agent_logout
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Channel, Queue
from relais.demo.traffic.model import DemoQueue

# One agent per site stays free for a person to log in (camille.durand is Lille's first).
DEFAULT_FREE = ("camille.durand",)


@dataclass(frozen=True, slots=True)
class BotAccount:
    username: str
    first_name: str
    site: str
    time_zone: str


def ensure_topics(queues: Iterable[DemoQueue]) -> list[DemoQueue]:
    """A widget topic for each demo queue that exists as an active chat queue; returns
    the queues the customers can use (the others are left out)."""
    usable = []
    with transaction.atomic():
        for demo in queues:
            queue = Queue.objects.filter(code=demo.code, channel=Channel.CHAT, active=True).first()
            if queue is None:
                continue
            usable.append(demo)
            topic = ChatTopic.objects.filter(code=demo.topic).first()
            if topic is None:
                topic = ChatTopic.objects.create(
                    code=demo.topic,
                    label_fr=demo.label_fr,
                    label_en=demo.label_en,
                    queue=queue,
                    order=len(usable) * 10,
                )
                audit_record(actor=None, action="chat_topic.demo_created", obj=topic)
            elif not topic.active or topic.queue_id != queue.pk:
                topic.active, topic.queue = True, queue
                topic.save(update_fields=["active", "queue"])
                audit_record(actor=None, action="chat_topic.demo_updated", obj=topic)
    return usable


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
        )
        for a in ordered
    ]
    present = {a.user.username for a in agents}
    return bots, sorted(name for name in free if name in present)


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
