"""The agent's softphone (docs/desktop.md, "Softphone"): where the browser registers its line,
as whom, with which short-lived credentials, and through which TURN servers.

The credentials are those of Kamailio's `auth_ephemeral` and of coturn's TURN REST API
(`voice.stack.credentials`): the username is `<unix expiry>:agent-<pk>`, the password
`base64(HMAC-SHA1(SIP_SECRET, username))`. Nothing is stored: Kamailio checks the signature
and the expiry with the same secret.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from pydantic import BaseModel

from relais.apps.desktop import selectors
from relais.apps.errors import RelaisError
from relais.apps.voice.models import LineKind
from relais.apps.voice.selectors import agent_aor, line_target
from relais.apps.voice.stack.credentials import agent_sip_user, ephemeral_credentials

#: The browser asks for new credentials once this share of their lifetime has passed.
REFRESH_SHARE = 0.8


class IceServer(BaseModel):
    urls: list[str]
    username: str
    credential: str


class SoftphoneConfig(BaseModel):
    """What softphone.js needs; `enabled` false (no WebSocket URL set): nothing else."""

    enabled: bool
    off_because: str = ""  # no_server (no WebSocket URL), desk_phone (the agent's line)
    ws_url: str = ""
    aor: str = ""
    display_name: str = ""
    username: str = ""
    password: str = ""
    expires_at: int = 0  # unix time
    refresh_in_s: int = 0
    ice_servers: list[IceServer] = []


def softphone_config(*, viewer: Any, now: float | None = None) -> SoftphoneConfig:
    """The viewer's own line (they must be an agent: `not_an_agent` otherwise); off when no
    WebSocket URL is set, or when the agent's calls ring on a desk phone (voice.AgentLine)."""
    agent = selectors.desk_agent(viewer=viewer)
    if not settings.SIP_WS_URL:
        return SoftphoneConfig(enabled=False, off_because="no_server")
    if line_target(agent.pk).kind == LineKind.DESK_PHONE:
        return SoftphoneConfig(enabled=False, off_because="desk_phone")
    ttl = settings.SIP_CREDENTIAL_TTL_S
    expires_at = int(time.time() if now is None else now) + ttl
    user = agent_sip_user(agent.pk)
    username, password = ephemeral_credentials(settings.SIP_SECRET, user, expires_at=expires_at)
    ice = (
        [IceServer(urls=list(settings.TURN_URLS), username=username, credential=password)]
        if settings.TURN_URLS
        else []
    )
    return SoftphoneConfig(
        enabled=True,
        ws_url=settings.SIP_WS_URL,
        aor=agent_aor(agent.pk),
        display_name=agent.user.get_full_name() or agent.user.get_username(),
        username=username,
        password=password,
        expires_at=expires_at,
        refresh_in_s=int(ttl * REFRESH_SHARE),
        ice_servers=ice,
    )


@login_required
@require_GET
@never_cache
def softphone(request: HttpRequest) -> JsonResponse:
    """GET /desktop/softphone: the signed-in agent's softphone configuration, never cached."""
    try:
        config = softphone_config(viewer=request.user)
    except RelaisError as refused:
        return JsonResponse(refused.as_dict(), status=refused.status)
    return JsonResponse(config.model_dump(mode="json"))


def softphone_strings() -> dict[str, object]:
    """What softphone.js writes on the page, in the agent's language."""
    return {
        "registered": _("Phone: ready"),
        "connecting": _("Phone: connecting…"),
        "off": _("Phone: off (no telephony server is set)"),
        "desk_phone": _("Phone: your calls ring on your desk phone"),
        "failed": _("Phone: refused by the telephony server"),
        "no_microphone": _("No microphone: allow it in the browser to answer calls."),
        "call_offer": _("Incoming call from the queue %(queue)s"),
        "ringing": _("Ringing…"),
        "waiting_line": _("Waiting for the call to reach your phone…"),
        "answer": _("Answer"),
        "decline": _("Decline"),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "hold": _("Hold"),
        "resume": _("Resume"),
        "keypad": _("Keypad"),
        "hang_up": _("Hang up"),
        "transfer": _("Transfer the call"),
        "consult_needed": _(
            "Choose a colleague or a queue in the transfer list, then press Consult."
        ),
        "consult_queue": _("someone of %(queue)s"),
        "consult_of_queue": _("%(colleague)s (%(queue)s)"),
        "consult_ringing": _("Calling %(colleague)s… the caller hears music"),
        "consult_talking": _("Talking to %(colleague)s; the caller is on hold"),
        "consult_completed": _("Call handed over to %(colleague)s"),
        "consult_ended": _("Back with the caller"),
        "consult_declined": _("%(colleague)s declined: back with the caller"),
        "consult_no_answer": _("%(colleague)s did not answer: back with the caller"),
        "consult_colleague_hung_up": _("%(colleague)s hung up: back with the caller"),
        "consult_failed": _("%(colleague)s could not be reached: back with the caller"),
        "consult_caller_hung_up": _("The caller hung up during the consultation"),
        "incoming_consult": _("A colleague consults you about a call"),
        "in_call": _("In call"),
        "on_hold": _("On hold: the caller hears music"),
        "call_ended": _("Call ended"),
        "call_failed": _("The call could not be answered: %(reason)s"),
    }


def softphone_policy() -> dict[str, list[str]] | None:
    """The site's Content-Security-Policy with the SIP WebSocket's origin added to
    `connect-src`, for the desktop page (None: no softphone, the site's policy as it is).
    Read at each request: the demo and the tests set the URL while the server runs."""
    if not settings.SIP_WS_URL:
        return None
    scheme, _, rest = settings.SIP_WS_URL.partition("://")
    origin = f"{scheme}://{rest.split('/', 1)[0]}"
    site: dict[str, Any] = settings.SECURE_CSP
    policy: dict[str, list[str]] = {name: list(sources) for name, sources in site.items()}
    policy["connect-src"] = [*policy.get("connect-src", []), origin]
    return policy
