"""The agent view of supervision: instant messages with the agent and their live chats,
joined silently or visibly (the page speaks to `/ws/supervision/coaching/`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from relais.apps.errors import RelaisError
from relais.apps.supervision.coaching import selectors


@login_required
def agent_coaching(request: HttpRequest, agent_id: int) -> HttpResponse:
    try:
        agent = selectors.coached_agent_get(viewer=request.user, agent_id=agent_id)
    except RelaisError as refused:
        raise Http404 from refused
    chats = selectors.live_chats(viewer=request.user, agent=agent)
    calls = selectors.live_calls(viewer=request.user, agent=agent)
    return render(
        request,
        "supervision/coaching.html",
        {"agent": agent, "chats": chats, "calls": calls, "strings": _strings()},
    )


def _strings() -> dict[str, object]:
    """What coaching.js writes on the page, in the supervisor's language."""
    return {
        "connecting": _("Connecting…"),
        "online": _("Connected"),
        "reconnecting": _("Connection lost: reconnecting…"),
        "joined_silent": _("You follow this chat silently: nobody is told."),
        "joined_visible": _("You joined this chat: the agent and the customer see your messages."),
        "chat_left": _(
            "This chat has left your scope (transferred outside your agents): you no longer "
            "follow it."
        ),
        "supervisor_says": _("%(name)s (supervisor): %(body)s"),
        "senders": {
            "customer": _("Customer"),
            "agent": _("Agent"),
            "system": _("System"),
            "supervisor": _("Supervisor"),
            "supervisor_note": _("Supervisor note"),
        },
        "events": {
            "agent_joined": _("%(name)s joined the chat"),
            "transferred": _("The chat was transferred"),
            "customer_left": _("The customer left the chat"),
            "chat_ended": _("The chat has ended"),
            "supervisor_joined": _("%(name)s (supervisor) joined the chat"),
        },
    }
