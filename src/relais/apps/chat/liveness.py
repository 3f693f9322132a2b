"""Customer liveness: a waiting chat whose customer is gone is abandoned (docs/presence.md).

The customer's widget holds a lease (`realtime`, kind `chat`, subject the contact) while its
WebSocket is open, and says when its page is hidden or closing. A chat still waiting for an
agent (created, queued or offered) whose customer has had no open connection for longer than
a grace is abandoned with reason `customer_left`, as if they had pressed "end": it leaves the
line and every count, and the customer's typed messages stay in the record.

The grace is the queue's (`Queue.customer_grace_seconds`, 60 s by default), or
`settings.CUSTOMER_HIDDEN_GRACE_S` when the page was only hidden when its connection went (a
phone browser pauses a background tab; the customer comes back to it). A page that said
goodbye gets the queue's grace even if it was hidden: it was closed. A customer who never
connected is measured from the chat's creation.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from relais.apps.chat.models import ChatSession
from relais.apps.chat.services import WAITING, customer_leave
from relais.apps.interactions.models import CloseReason
from relais.apps.realtime.models import LeaseKind
from relais.apps.realtime.selectors import Standing, lease_standings

logger = logging.getLogger(__name__)

#: How often the active router looks for customers gone (a duty, see realtime/duties.py).
SWEEP_EVERY_S = 2.0


def customer_grace(standing: Standing | None, queue_grace_s: float) -> dt.timedelta:
    hidden = standing is not None and standing.hidden and not standing.goodbye
    return dt.timedelta(seconds=settings.CUSTOMER_HIDDEN_GRACE_S if hidden else queue_grace_s)


def customers_gone(now: dt.datetime | None = None) -> list[ChatSession]:
    """The chat sessions still waiting for an agent whose customer is gone past the grace."""
    now = now or timezone.now()
    waiting = list(
        ChatSession.objects.filter(
            contact__state__in=WAITING, customer_left_at=None
        ).select_related("contact__queue")
    )
    if not waiting:
        return []
    standings = lease_standings(
        kind=LeaseKind.CHAT, subject_ids=[s.contact_id for s in waiting], now=now
    )
    gone = []
    for session in waiting:
        standing = standings.get(session.contact_id)
        if standing is not None and standing.connected:
            continue
        lost_at = session.contact.created_at
        if standing is not None and standing.lost_at is not None:
            lost_at = standing.lost_at
        grace = customer_grace(standing, session.contact.queue.customer_grace_seconds)
        if lost_at + grace <= now:
            gone.append(session)
    return gone


def customers_gone_abandon(now: dt.datetime | None = None) -> int:
    """Abandon the waiting chats whose customer is gone; returns how many."""
    abandoned = 0
    for session in customers_gone(now):
        if customer_leave(session=session, reason=CloseReason.CUSTOMER_LEFT):
            abandoned += 1
    if abandoned:
        logger.info("%d waiting chats abandoned: their customers are gone", abandoned)
    return abandoned
