"""A standby taking over: the calls still up, rebuilt from their records' dialog data.

Each leg the B2BUA answered or placed is saved (`control.call_dialog_save`) with what it
takes to go on with its dialog: Call-ID, both URIs with their tags, the remote target, the
route set, the CSeqs and the next hop. Rebuilt here as sippy `UA`s in the Connected state,
they take in-dialog requests (BYE, re-INVITE) and can send BYE, as the lost process would
have. rtpengine never noticed the failover: the media kept flowing.
"""

from __future__ import annotations

import logging
from typing import Any

from sippy.SipCallId import SipCallId
from sippy.SipContact import SipContact
from sippy.SipFrom import SipFrom
from sippy.SipRoute import SipRoute
from sippy.SipTo import SipTo
from sippy.SipURL import SipURL
from sippy.UA import UA

from relais.apps.voice.b2bua.call import AgentLeg, Call, CallHost, Phase
from relais.apps.voice.b2bua.caller_leg import CallerUA
from relais.apps.voice.b2bua.media import CallMedia

logger = logging.getLogger("relais.voice")


def leg_ua(b2bua: CallHost, saved: dict[str, Any]) -> UA:
    """A UA in the Connected state for a saved dialog, registered with the transaction manager."""
    host, port = saved["next_hop"]
    origin = saved.get("origin") or "caller"
    kind = CallerUA if origin == "caller" else UA
    ua = kind(b2bua.global_config, nh_address=(host, int(port)))
    ua.cId = SipCallId(saved["call_id"])
    ua.lUri = SipFrom(saved["local_uri"])
    ua.lUri.parse()
    ua.rUri = SipTo(saved["remote_uri"])
    ua.rUri.parse()
    ua.lTag = ua.lUri.getTag()
    ua.rTarget = SipURL(url=saved["remote_target"])
    ua.routes = []
    for route in saved.get("route_set") or ():
        hf = SipRoute(route)
        hf.parse()
        ua.routes.append(hf)
    ua.lCSeq = int(saved["cseq"]) + 1
    ua.rCSeq = saved.get("remote_cseq")
    ua.lContact = SipContact(saved["contact"])
    ua.lContact.parse()
    ua.origin = origin
    ua.changeState((UA.UaStateConnected,))
    b2bua.global_config["_sip_tm"].regConsumer(ua, str(ua.cId))
    return ua


def call_restore(b2bua: CallHost, established: Any) -> Call | None:
    """The call as this process carries it from now on; None if it cannot go on."""
    dialog = established.dialog or {}
    caller, media = dialog.get("caller"), dialog.get("rtpengine")
    if not caller or not media:
        return None  # never answered: the caller's INVITE died with the other process
    caller_ua = leg_ua(b2bua, caller)
    call_media = CallMedia(
        ng=b2bua.ng,
        call_id=media["call_id"],
        caller_tag=media["from_tag"],
        caller_sdp=media.get("caller_sdp", ""),
        peer_tag=media.get("to_tag", ""),
        peer_sdp=media.get("peer_sdp", ""),
        lane=b2bua.media_lane(),
    )
    call = Call(
        b2bua=b2bua,
        caller_ua=caller_ua,
        call_id=established.call_id,
        number=caller_ua.lUri.getUrl().username or "",
        caller=caller_ua.rUri.getUrl().username or "",
        media=call_media,
        contact_id=established.contact_id,
        language=established.language,
        phase=Phase.QUEUED,
        answered_caller=True,
    )
    caller_ua.event_cb = call.caller_event
    agent = dialog.get("agent")
    if agent:
        agent_ua = leg_ua(b2bua, agent)
        agent_ua.event_cb = call._agent_event
        leg = AgentLeg(
            agent_id=int(agent["agent_id"]),
            tag=agent["tag"],
            ua=agent_ua,
            webrtc=bool(agent.get("webrtc")),
            transfer=False,
            answered=True,
            rang=True,
        )
        call_media.agents[leg.tag] = leg.webrtc
        call.legs.append(leg)
        call.talking = leg
        call.phase = Phase.TALKING
    else:  # rtpengine is still playing the queue's music
        call_media.music = True
        call_media.music_file = b2bua.music_for(established.language)
    return call
