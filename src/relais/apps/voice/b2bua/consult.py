"""An agent consulting a colleague during a call (attended transfer; docs/voice.md, "Consulting
a colleague"). Runs on sippy's reactor, like the `Call` it belongs to.

The colleague's leg is the B2BUA's own, as every agent leg: an INVITE to the colleague's line
(`X-Relais-Consult: <agent id>` beside `X-Relais-Contact`). In rtpengine the consultation is
a re-pairing inside the call's own session: the agent's side is offered to a fresh colleague
tag (`CallMedia.consult_then`), so the agent hears the colleague while the caller, left on its
own, hears the music. Back to the caller, or on to the colleague, is one more offer and answer
from the caller's tag (`CallMedia.rejoin_then`). Nobody's ports change: neither the operator
nor the agent's phone is re-INVITEd.

Endings: the agent goes back (`ConsultEnded` from the record) -> the colleague's leg goes, the
caller hears the agent again; the colleague declines, does not answer (`RING_S`) or hangs up ->
the same, the record told why; the agent completes (the record transfers the contact to the
colleague: `Transferred`, then the colleague's `Ring`) -> `handing_over`, the agent's leg goes,
and the colleague's `Ring` is answered by this leg (`Call.ring` -> `take_over`); the caller
hangs up -> the colleague's leg goes too; the agent vanishes (lost, hung up) -> handed over if
the colleague answered (`control.call_consult_handover`), else the consultation ends and the
call goes back to the head of its queue as for any lost agent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sippy.CCEvents import (
    CCEventConnect,
    CCEventDisconnect,
    CCEventFail,
    CCEventPreConnect,
    CCEventRedirect,
)
from sippy.SipHeader import SipHeader
from sippy.Time.Timeout import Timeout

from relais.apps.voice.b2bua.legs import RelaisConsultHF, RelaisContactHF, transport_lowered
from relais.apps.voice.models import LineKind

if TYPE_CHECKING:
    from sippy.UA import UA

    from relais.apps.voice.b2bua.media import CallMedia
    from relais.apps.voice.ng import NgError
    from relais.apps.voice.offers import Consult, Ring

logger = logging.getLogger("relais.voice")


class Leg(Protocol):
    """The consulting agent's leg (`call.AgentLeg`)."""

    @property
    def agent_id(self) -> int: ...
    @property
    def tag(self) -> str: ...


class ConsultingCall(Protocol):
    """What a consultation needs of its call (`call.Call`, which imports this module)."""

    b2bua: Any
    media: CallMedia
    call_id: str
    caller: str
    language: str
    consultation: Consultation | None

    @property
    def contact_id(self) -> int | None: ...
    @property
    def talking(self) -> Leg | None: ...


#: The colleague's phone rang this long unanswered: the consultation ends (`no_answer`).
RING_S = 30.0


@dataclass(eq=False)
class Consultation:
    call: ConsultingCall
    agent: Leg  # the consulting agent's leg (talking to the caller until now)
    colleague_id: int
    webrtc: bool
    tag: str = ""  # rtpengine's tag of the colleague's side
    ua: UA | None = None
    sdp: str = ""  # the colleague's answer
    answered: bool = False
    handing_over: bool = False
    over: bool = False

    # Starting ------------------------------------------------------------------------------

    def start(self, ring: Ring) -> None:
        """The agent's side is offered to the colleague's; then the caller hears music and
        the colleague's phone rings."""
        call = self.call
        call.media.consult_then(
            self.agent.tag,
            call.media.peer_sdp,
            webrtc=self.webrtc,
            done=lambda offered, error: call.b2bua.on_reactor(self._invite, ring, offered, error),
        )

    def _invite(self, ring: Ring, offered: tuple[str, str] | None, error: NgError | None) -> None:
        if self.over:
            return
        if error is not None or offered is None:
            logger.error("voice: rtpengine refused the consultation (%s): %s", ring, error)
            self.end("failed")
            return
        self.tag, sdp = offered
        call = self.call
        call.media.play(call.b2bua.music_for(call.language))  # the caller, on their own now
        self.ua = call.b2bua.agent_ua(self._event, ring.target)
        headers = (
            SipHeader(body=RelaisContactHF(ring.x_relais_contact)),
            SipHeader(body=RelaisConsultHF(str(self.agent.agent_id))),
        )
        call.b2bua.invite(
            self.ua,
            uri=ring.target,
            caller=call.caller,
            display=ring.caller_display,
            sdp=sdp,
            headers=headers,
        )
        Timeout(self._unanswered, RING_S)

    def _unanswered(self) -> None:
        if not self.answered and not self.over:
            self.end("no_answer")

    # The colleague's leg --------------------------------------------------------------------

    def _event(self, event: Any, ua: UA) -> None:
        transport_lowered(ua)
        if self.over and not self.handing_over:
            return
        if isinstance(event, CCEventConnect | CCEventPreConnect) and not self.answered:
            code, _reason, body = event.getData()
            if code != 200 or body is None:
                return
            self.answered, self.sdp = True, str(body)
            self.call.media.consult_answered_then(
                self.agent.tag,
                self.tag,
                self.sdp,
                lambda _none, error: self.call.b2bua.on_reactor(self._bridged, error),
            )
        elif isinstance(event, CCEventFail | CCEventRedirect) and not self.answered:
            self.ua = None
            self.end("declined")
        elif isinstance(event, CCEventDisconnect):
            self.ua = None
            self.end("colleague_hung_up" if self.answered else "declined")

    def _bridged(self, error: NgError | None) -> None:
        if self.over:
            return
        if error is not None:
            logger.error("voice: rtpengine could not bridge the consultation: %s", error)
            self.end("failed")
            return
        self._record("answered")

    # Endings -------------------------------------------------------------------------------

    def end(self, reason: str) -> None:
        """Over (`reason`): the colleague's leg goes; the caller, if still there, hears the
        agent again (not when the caller or the agent is gone)."""
        if self.over:
            return
        self.over = True
        self._hang_up()
        call = self.call
        if call.consultation is self:
            call.consultation = None
        if (
            reason not in ("caller_hung_up", "agent_lost", "agent_hung_up")
            and self.agent is call.talking
        ):
            call.media.rejoin_then(
                self.agent.tag,
                call.media.peer_sdp,
                lambda _none, error: self._rejoined(error),
            )
        if reason != "back_to_caller":  # the agent's own end is in the record already
            self._record("ended", reason)

    def _rejoined(self, error: NgError | None) -> None:
        if error is not None:
            logger.error("voice: the caller could not be bridged back: %s", error)

    def _hang_up(self) -> None:
        if self.ua is not None:
            ua, self.ua = self.ua, None
            ua.recvEvent(CCEventDisconnect())

    def hand_over(self, to_agent: int | None) -> bool:
        """The record transferred the call (`Transferred`): to this colleague, who answered,
        the colleague's `Ring` is to be answered by this leg (True)."""
        if to_agent != self.colleague_id or not self.answered or self.over:
            return False
        self.handing_over = True
        return True

    def take_over(self, ring: Ring) -> UA | None:
        """The colleague's `Ring` after the handover: their leg's UA, for the call to make
        its agent leg (this consultation is over)."""
        if not self.handing_over or ring.agent_id != self.colleague_id or self.ua is None:
            return None
        self.over = True
        ua, self.ua = self.ua, None
        if self.call.consultation is self:
            self.call.consultation = None
        return ua

    def agent_gone(self, reason: str) -> bool:
        """The consulting agent vanished (`agent_lost`, `agent_hung_up`): handed over to the
        colleague if they answered (True: the record is asked; its transfer brings their
        `Ring`), else the consultation ends (False: the caller goes back in line)."""
        if self.answered and not self.over:
            self.handing_over = True
            call = self.call
            call.b2bua.worker.submit(
                call.b2bua.control.call_consult_handover,
                lambda _contact, error: self._handed(error),
                contact_id=call.contact_id,
                agent_id=self.agent.agent_id,
                reason=reason,
                lane=call.call_id,
            )
            return True
        self.end(reason)
        return False

    def _handed(self, error: BaseException | None) -> None:
        if error is not None:  # the record had moved on: the caller waits in line for the next
            logger.warning("voice: consultation handover refused: %s", error)
            self.handing_over = False
            self.end("agent_lost")

    def _record(self, step: str, reason: str = "") -> None:
        call = self.call
        if call.contact_id is None:
            return
        call.b2bua.worker.submit(
            call.b2bua.control.call_consult_step,
            None,
            contact_id=call.contact_id,
            agent_id=self.agent.agent_id,
            to_agent=self.colleague_id,
            step=step,
            reason=reason,
            lane=call.call_id,
        )


def consultation_for(call: ConsultingCall, consult: Consult) -> Consultation | None:
    """The consultation the record asked for, if the call is talking to that agent."""
    leg = call.talking
    if leg is None or leg.agent_id != consult.agent_id or call.consultation is not None:
        return None
    return Consultation(call, leg, consult.ring.agent_id, consult.ring.line == LineKind.BROWSER)
