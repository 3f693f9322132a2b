"""One call through the B2BUA: the caller's leg, the agent legs, the media, the record.

Everything here runs on sippy's reactor thread. The record is reached through the worker
(`RecordWorker.submit`), whose answers come back on this thread; rtpengine through
`CallMedia` (one UDP round trip each). Phases: arriving (the record is asked) -> ringing
the caller back (optional answer delay) -> queued (music) -> talking (bridged to an agent)
-> [the keypad survey, when the agent hung up and the queue asks it] -> ended. A new agent can
be rung while queued (an offer) or while talking (a transfer). Keys pressed (rtpengine's
events) answer the survey, or become call detail (`call.dtmf`: who pressed, how many).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from sippy.CCEvents import (
    CCEventConnect,
    CCEventDisconnect,
    CCEventFail,
    CCEventPreConnect,
    CCEventRedirect,
    CCEventRing,
    CCEventTry,
    CCEventUpdate,
)
from sippy.MsgBody import MsgBody
from sippy.SipHeader import SipHeader
from sippy.Time.Timeout import Timeout

from relais.apps.voice.b2bua.announce import announcement
from relais.apps.voice.b2bua.consult import Consultation, consultation_for
from relais.apps.voice.b2bua.legs import RelaisContactHF, transport_lowered
from relais.apps.voice.b2bua.media import CallMedia
from relais.apps.voice.b2bua.sdp import sdp_is_hold, sdp_is_usable
from relais.apps.voice.b2bua.survey import SurveyRun
from relais.apps.voice.models import LineKind
from relais.apps.voice.ng import NgError
from relais.apps.voice.offers import Consult, Ring

if TYPE_CHECKING:
    from sippy.UA import UA

    from relais.apps.voice.b2bua.record import RecordWorker
    from relais.apps.voice.ng import NgClient

logger = logging.getLogger("relais.voice")

#: The agent's side sent nothing for this many seconds while talking: the agent is lost.
MEDIA_LOST_S = 3.0
WATCH_S = 1.0
#: Keys pressed with no longer pause than this between them are one `call.dtmf` detail.
KEYS_PAUSE_S = 3.0


class CallHost(Protocol):
    """What a call needs of the B2BUA that carries it (`server.B2bua`)."""

    worker: RecordWorker
    control: Any
    ng: NgClient
    global_config: dict[str, Any]
    answer_delay_s: float
    announce_s: float
    clock: Callable[[], float]
    prompts: Callable[[str, str], str | None]

    def music_for(self, language: str) -> str: ...
    def on_reactor(self, function: Callable[..., None], *args: Any) -> None: ...
    def media_lane(self) -> Executor: ...
    def media_ask(self, ask: Callable[[], Any], done: Callable[[Any], None]) -> None: ...
    def agent_ua(self, event_cb: Callable[[Any, UA], None], uri: str) -> UA: ...
    def invite(
        self, ua: UA, *, uri: str, caller: str, display: str, sdp: str, headers: tuple[Any, ...]
    ) -> None: ...
    def dialog_of(self, ua: UA) -> dict[str, Any]: ...
    def known(self, call: Call) -> None: ...
    def forget(self, call: Call) -> None: ...


class Phase(StrEnum):
    ARRIVING = "arriving"
    QUEUED = "queued"
    TALKING = "talking"
    SURVEY = "survey"
    ENDED = "ended"


@dataclass(eq=False)
class AgentLeg:
    agent_id: int
    tag: str  # rtpengine's tag for this attempt
    ua: UA
    webrtc: bool
    transfer: bool
    answered: bool = False
    rang: bool = False
    bye_sent: bool = False


@dataclass(eq=False)
class Call:
    b2bua: CallHost
    caller_ua: UA
    call_id: str
    number: str
    caller: str
    media: CallMedia
    contact_id: int | None = None
    language: str = "fr"
    phase: Phase = Phase.ARRIVING
    legs: list[AgentLeg] = field(default_factory=list)
    talking: AgentLeg | None = None
    on_hold: bool = False
    silent_since: float | None = None
    last_packets: int = -1
    answered_caller: bool = False
    pending: list[Ring] = field(default_factory=list)
    audio_serial: int = 0
    answering: bool = False  # rtpengine asked for the caller's SDP
    offering: set[int] = field(default_factory=set)  # agents whose offer rtpengine is making
    unrung: set[int] = field(default_factory=set)  # of those, the ones to ring no more
    survey: SurveyRun | None = None
    pressed: dict[str, str] = field(default_factory=dict)  # who -> keys not recorded yet
    press_serial: int = 0
    consultation: Consultation | None = None  # the agent consulting a colleague (consult.py)

    # The caller's leg ---------------------------------------------------------------------

    def caller_event(self, event: Any, ua: UA) -> None:
        transport_lowered(ua)
        if isinstance(event, CCEventTry):
            self.b2bua.worker.submit(
                self.b2bua.control.call_arrived,
                self._arrived,
                number=self.number,
                caller=self.caller,
                call_id=self.call_id,
                arrived_at=dt.datetime.now(dt.UTC),
                lane=self.call_id,
                urgent=True,  # the caller waits, and the router sees the call only then
            )
        elif isinstance(event, CCEventUpdate):
            self._caller_reinvite(event)
        elif isinstance(event, CCEventDisconnect | CCEventFail | CCEventRedirect):
            self.end(by="caller")

    def _arrived(self, ticket: Any, error: BaseException | None) -> None:
        if self.phase is Phase.ENDED:  # the caller gave up while the record was asked
            if ticket is not None:
                self._record("call_ended", contact_id=ticket.contact_id, by="caller")
            return
        if error is not None:
            status = getattr(getattr(error, "code", None), "sip_status", 500)
            reason = {404: "Not Found", 480: "Temporarily Unavailable"}.get(status, "Refused")
            self._fail_caller(status, reason)
            return
        self.contact_id, self.language = ticket.contact_id, ticket.language
        self.b2bua.known(self)
        delay = self.b2bua.answer_delay_s
        if delay > 0:
            self.caller_ua.recvEvent(CCEventRing((180, "Ringing", None)))
            Timeout(self._answer_caller, delay)
        else:
            self._answer_caller()

    def _answer_caller(self) -> None:
        """rtpengine's SDP for the caller, asked off the reactor (`_caller_media` then)."""
        if self.phase is not Phase.ARRIVING or self.answering:
            return
        self.answering = True
        self.media.answer_caller_then(
            lambda sdp, error: self.b2bua.on_reactor(self._caller_media, sdp, error)
        )

    def _caller_media(self, sdp: str | None, error: NgError | None) -> None:
        if self.phase is not Phase.ARRIVING:
            return  # the caller gave up meanwhile
        if error is not None or sdp is None:
            logger.error(
                "voice: rtpengine refused the caller's media (%s): %s", self.call_id, error
            )
            self._fail_caller(503, "Service Unavailable")
            return
        self.phase = Phase.QUEUED
        self.say("welcome")
        self.answered_caller = True
        self.caller_ua.recvEvent(CCEventConnect((200, "OK", MsgBody(sdp))))
        self._save_dialog()
        if self.b2bua.announce_s > 0:
            Timeout(self._announce_due, self.b2bua.announce_s)
        for ring in self.pending:
            self.ring(ring)
        self.pending.clear()

    def say(self, *prompts: str, then: Callable[[], None] | None = None) -> None:
        """The prompts the stack has, one after the other, instead of whatever played; then
        `then()` (the survey) or, while queued, the music over and over."""
        self.audio_serial += 1
        self._play_next(
            [path for name in prompts if (path := self.b2bua.prompts(name, self.language))],
            self.audio_serial,
            then,
        )

    def _play_next(
        self, paths: list[str], serial: int, then: Callable[[], None] | None = None
    ) -> None:
        if (
            serial != self.audio_serial
            or self.phase not in (Phase.QUEUED, Phase.SURVEY)
            or self.on_hold
        ):
            return  # answered, hung up, or another prompt since: never over a bridged call
        if not paths:
            if then is not None:
                then()
            elif self.phase is Phase.QUEUED:
                self.media.play(self.b2bua.music_for(self.language))
            return

        def played(duration_ms: int | None) -> None:  # on the media lane's thread
            if duration_ms is not None:
                self.b2bua.on_reactor(self._next_after, duration_ms, paths[1:], serial, then)
            elif then is not None:  # rtpengine could not play it: go on without it
                self.b2bua.on_reactor(self._next_after, 0, [], serial, then)

        self.media.play(paths[0], repeat=False, played=played)

    def _next_after(
        self, duration_ms: int, paths: list[str], serial: int, then: Callable[[], None] | None
    ) -> None:
        Timeout(self._play_next, max(duration_ms, 100) / 1000, 1, paths, serial, then)

    def _announce_due(self) -> None:
        """Every `announce_s` while the call lasts: when queued (not on hold, not talking),
        ask the record for the caller's place; an agent answering mid-sentence stops it."""
        if self.phase is Phase.ENDED:
            return
        Timeout(self._announce_due, self.b2bua.announce_s)
        if self.phase is Phase.QUEUED and not self.on_hold:
            self.b2bua.worker.submit(
                self.b2bua.control.call_wait,
                self._announce,
                contact_id=self.contact_id,
                lane=self.call_id,
            )

    def _announce(self, estimate: Any, error: BaseException | None) -> None:
        names = announcement(estimate) if error is None else []
        if names and self.phase is Phase.QUEUED and not self.on_hold:
            logger.info("voice: %s hears %s", self.call_id, " ".join(names))
            self.say(*names)

    def _fail_caller(self, status: int, reason: str) -> None:
        self.phase = Phase.ENDED
        self.caller_ua.recvEvent(CCEventFail((status, reason)))
        self._drop_media()
        self.b2bua.forget(self)

    def _caller_reinvite(self, event: Any) -> None:
        """The operator re-INVITEd (session refresh, codec change): same bridge, new answer;
        while the agent consults a colleague, the caller stays on its own with the music."""
        body = event.getData()
        sdp = str(body) if body is not None else ""
        try:
            if not sdp_is_usable(sdp):
                raise NgError("offer", "unusable SDP")
            answer = self.media.reoffer_from_caller(sdp, alone=self.consultation is not None)
        except NgError:
            self.caller_ua.recvEvent(CCEventFail((488, "Not Acceptable Here")))
            return
        self.caller_ua.recvEvent(CCEventConnect((200, "OK", MsgBody(answer))))

    # Agent legs ------------------------------------------------------------------------------

    def ring(self, ring: Ring) -> None:
        """Sends the agent an INVITE (an offer; while talking, the call changes hands when
        they answer)."""
        if self.phase is Phase.ARRIVING:
            self.pending.append(ring)
            return
        if self.consultation is not None and self._consulted_answers(ring):
            return
        if (
            self.phase in (Phase.ENDED, Phase.SURVEY)
            or ring.agent_id in self.offering
            or any(leg.agent_id == ring.agent_id and not leg.bye_sent for leg in self.legs)
        ):
            return
        webrtc = ring.line == LineKind.BROWSER
        self.offering.add(ring.agent_id)
        self.unrung.discard(ring.agent_id)
        self.media.offer_agent_then(
            webrtc=webrtc,
            done=lambda offered, error: self.b2bua.on_reactor(
                self._invite_agent, ring, webrtc, offered, error
            ),
        )

    def _invite_agent(
        self,
        ring: Ring,
        webrtc: bool,
        offered: tuple[str, str] | None,
        error: NgError | None,
    ) -> None:
        """rtpengine made the agent's offer: the INVITE goes (unless stopped meanwhile)."""
        self.offering.discard(ring.agent_id)
        if ring.agent_id in self.unrung or self.phase is Phase.ENDED:
            self.unrung.discard(ring.agent_id)
            return
        if error is not None or offered is None:
            logger.error("voice: rtpengine refused the agent's offer (%s): %s", self.call_id, error)
            self._record(
                "call_declined", contact_id=self.contact_id, agent_id=ring.agent_id, sip_status=503
            )
            return
        tag, offer = offered
        ua = self.b2bua.agent_ua(self._agent_event, ring.target)
        leg = AgentLeg(ring.agent_id, tag, ua, webrtc, transfer=self.talking is not None)
        self.legs.append(leg)
        headers = (SipHeader(body=RelaisContactHF(ring.x_relais_contact)),)
        self.b2bua.invite(
            ua,
            uri=ring.target,
            caller=self.caller,
            display=ring.caller_display,
            sdp=offer,
            headers=headers,
        )

    def _consulted_answers(self, ring: Ring) -> bool:
        """The colleague the agent consulted, on the line already, is rung after the handover:
        their leg becomes the call's agent leg, answered (True)."""
        consultation = self.consultation
        ua = consultation.take_over(ring) if consultation is not None else None
        if consultation is None or ua is None:
            return False
        leg = AgentLeg(
            ring.agent_id,
            consultation.tag,
            ua,
            consultation.webrtc,
            transfer=True,
            answered=True,
            rang=True,
        )
        ua.event_cb = self._agent_event
        self.legs.append(leg)
        self.b2bua.worker.submit(
            self.b2bua.control.call_answered,
            lambda _result, error: self._agent_answered(leg, consultation.sdp, error, rejoin=True),
            contact_id=self.contact_id,
            agent_id=leg.agent_id,
            lane=self.call_id,
        )
        return True

    # Consulting a colleague (b2bua/consult.py) ------------------------------------------------

    def consult(self, consult: Consult) -> None:
        """The record asked: the talking agent consults a colleague (music for the caller)."""
        consultation = consultation_for(self, consult) if self.phase is Phase.TALKING else None
        if consultation is None:  # not talking to that agent (any more): the record is told
            self._record(
                "call_consult_step",
                contact_id=self.contact_id,
                agent_id=consult.agent_id,
                to_agent=consult.ring.agent_id,
                step="ended",
                reason="failed",
            )
            return
        self.consultation = consultation
        consultation.start(consult.ring)

    def consult_ended(self, agent_id: int, reason: str) -> None:
        """The record ended the consultation (the agent went back to the caller)."""
        consultation = self.consultation
        if consultation is not None and consultation.agent.agent_id == agent_id:
            consultation.end(reason or "back_to_caller")

    def stop_ringing(self, agent_id: int) -> None:
        if agent_id in self.offering:  # not rung yet: it will not be
            self.unrung.add(agent_id)
        for leg in self.legs:
            if leg.agent_id == agent_id and not leg.answered and not leg.bye_sent:
                leg.bye_sent = True
                leg.ua.recvEvent(CCEventDisconnect())  # CANCEL while it rings

    def _leg(self, ua: UA) -> AgentLeg | None:
        return next((leg for leg in self.legs if leg.ua is ua), None)

    def _agent_event(self, event: Any, ua: UA) -> None:
        transport_lowered(ua)
        leg = self._leg(ua)
        if leg is None:
            return
        if isinstance(event, CCEventRing):
            if not leg.rang and not leg.bye_sent:
                leg.rang = True
                self._record(
                    "call_ringing",
                    contact_id=self.contact_id,
                    agent_id=leg.agent_id,
                    at=dt.datetime.now(dt.UTC),
                )
        elif isinstance(event, CCEventConnect | CCEventPreConnect) and not leg.answered:
            code, _reason, body = event.getData()
            if code != 200 or body is None:
                return
            if leg.bye_sent or self.phase is Phase.ENDED:
                self._hang_up(leg)
                return
            leg.answered = True
            self.b2bua.worker.submit(
                self.b2bua.control.call_answered,
                lambda _result, error: self._agent_answered(leg, str(body), error),
                contact_id=self.contact_id,
                agent_id=leg.agent_id,
                lane=self.call_id,
            )
        elif isinstance(event, CCEventUpdate) and leg is self.talking:
            self._agent_reinvite(leg, event)
        elif isinstance(event, CCEventFail | CCEventRedirect) and not leg.answered:
            self._forget_leg(leg)
            if not leg.bye_sent:
                status = (event.getData() or (480,))[0]
                self._record(
                    "call_declined",
                    contact_id=self.contact_id,
                    agent_id=leg.agent_id,
                    sip_status=status,
                )
        elif isinstance(event, CCEventDisconnect):
            self._forget_leg(leg)
            also = event.getData()  # a REFER's Refer-To: sippy answered 202 and hangs up
            if leg is self.talking and not leg.bye_sent and self._consulting_agent_gone(leg):
                return
            if leg is self.talking and not leg.bye_sent and also is not None:
                leg.bye_sent = True
                self._agent_referred(leg, also)
            elif leg is self.talking and not leg.bye_sent:
                leg.bye_sent = True
                self._agent_hung_up()
            elif not leg.answered and not leg.bye_sent:
                self._record(
                    "call_declined",
                    contact_id=self.contact_id,
                    agent_id=leg.agent_id,
                    sip_status=487,
                )

    def _agent_answered(
        self, leg: AgentLeg, sdp: str, error: BaseException | None, *, rejoin: bool = False
    ) -> None:
        """The record took the answer: the caller is bridged to the agent's side (`rejoin`: a
        side rtpengine has already, the consulted colleague's)."""
        if error is not None or self.phase is Phase.ENDED:
            self._hang_up(leg)  # the record refused (the offer went elsewhere), or too late
            return
        self.audio_serial += 1  # no prompt or music from now on (_play_next)
        bridge = self.media.rejoin_then if rejoin else self.media.bridge_agent_then
        bridge(
            leg.tag,
            sdp,
            lambda _none, failed: self.b2bua.on_reactor(self._bridged, leg, failed),
        )

    def _bridged(self, leg: AgentLeg, error: NgError | None) -> None:
        """rtpengine bridged the agent's media to the caller (or could not)."""
        if self.phase is Phase.ENDED:
            if not leg.bye_sent:
                self._hang_up(leg)
            return
        if leg not in self.legs:  # the agent hung up meanwhile: back to the queue
            self.say("reconnecting")
            self._record(
                "call_agent_lost", contact_id=self.contact_id, agent_id=leg.agent_id, reason="bye"
            )
            return
        if error is not None:
            logger.error("voice: rtpengine could not bridge %s: %s", self.call_id, error)
            self._hang_up(leg)
            self._record(
                "call_agent_lost", contact_id=self.contact_id, agent_id=leg.agent_id, reason="media"
            )
            return
        previous, self.talking = self.talking, leg
        self.phase = Phase.TALKING
        self.on_hold, self.silent_since, self.last_packets = False, None, -1
        if previous is not None:  # a transfer: the first agent's leg goes
            self._hang_up(previous)
        self._save_dialog()
        Timeout(self._watch, WATCH_S)

    def _agent_reinvite(self, leg: AgentLeg, event: Any) -> None:
        body = event.getData()
        sdp = str(body) if body is not None else ""
        consultation = self.consultation
        if consultation is not None:  # talking to the colleague: that pairing is renewed
            if not consultation.answered:
                leg.ua.recvEvent(CCEventFail((491, "Request Pending")))
                return
            try:
                answer = self.media.reoffer_from_agent(
                    leg.tag, sdp, peer=(consultation.tag, consultation.sdp)
                )
            except NgError:
                leg.ua.recvEvent(CCEventFail((488, "Not Acceptable Here")))
                return
            leg.ua.recvEvent(CCEventConnect((200, "OK", MsgBody(answer))))
            return
        try:
            answer = self.media.reoffer_from_agent(leg.tag, sdp)
            hold = sdp_is_hold(sdp)
            if hold and not self.on_hold:
                self.media.play(self.b2bua.music_for(self.language))
            elif not hold and self.on_hold:
                self.media.stop()
        except NgError:
            leg.ua.recvEvent(CCEventFail((488, "Not Acceptable Here")))
            return
        leg.ua.recvEvent(CCEventConnect((200, "OK", MsgBody(answer))))
        if hold != self.on_hold:
            self.on_hold = hold
            self._record(
                "call_event",
                contact_id=self.contact_id,
                kind="hold" if hold else "resume",
                agent_id=leg.agent_id,
            )

    def record_transfer(self, transfer: Any) -> None:
        """The desktop transferred the call (the feed's `Transferred`): `call.transfer` in the
        contact's event log, from whom to whom."""
        self._record(
            "call_event",
            contact_id=self.contact_id,
            kind="transfer",
            agent_id=transfer.from_agent,
            to_agent=transfer.to_agent,
            to_queue=transfer.to_queue,
        )

    def _hang_up(self, leg: AgentLeg) -> None:
        leg.bye_sent = True
        self._forget_leg(leg)
        leg.ua.recvEvent(CCEventDisconnect())

    def _forget_leg(self, leg: AgentLeg) -> None:
        if leg in self.legs:
            self.legs.remove(leg)

    # After the agent, the keys -----------------------------------------------------------------

    def _agent_referred(self, leg: AgentLeg, also: Any) -> None:
        """The agent's desk phone transferred the call (REFER, its transfer key): the caller
        hears the transfer prompt then music, and the record transfers the contact as the
        desktop would (`_referred`); the next agent's `Ring` follows."""
        self._back_in_line("transfer")
        try:
            target = also.getUrl().username or ""
        except AttributeError:
            target = ""
        self.b2bua.worker.submit(
            self.b2bua.control.call_refer,
            lambda _contact, error: self._referred(leg, error),
            contact_id=self.contact_id,
            agent_id=leg.agent_id,
            target=target,
            lane=self.call_id,
        )

    def _referred(self, leg: AgentLeg, error: BaseException | None) -> None:
        if error is not None:  # no such target: back at the head of the line
            logger.warning("voice: transfer of %s refused: %s", self.call_id, error)
            self._record(
                "call_agent_lost",
                contact_id=self.contact_id,
                agent_id=leg.agent_id,
                reason="transfer_refused",
            )

    def _back_in_line(self, prompt: str | None) -> None:
        """The talking agent is gone (lost, handed the call on from their phone, or gone while
        consulting): their keys recorded, the caller hears `prompt` then the music (None: the
        music playing already goes on), and the saved dialog says queued (a standby would carry
        the call on as such)."""
        self._record_keys()
        self.talking = None
        self.phase = Phase.QUEUED
        if prompt is not None:
            self.say(prompt)
        self._save_dialog()

    def _consulting_agent_gone(self, leg: AgentLeg, reason: str = "agent_hung_up") -> bool:
        """The agent hung up or was lost while consulting: handed over to the colleague who
        answered (True: the caller waits with music for the record's transfer), or the
        consultation ends and the call goes on as without one (False)."""
        consultation = self.consultation
        if consultation is None or consultation.agent is not leg:
            return False
        if not consultation.agent_gone(reason):
            return False
        self._back_in_line(None)  # the caller hears the music of the consultation still
        if not leg.bye_sent:
            self._hang_up(leg)
        return True

    def _agent_hung_up(self) -> None:
        """The agent hung up: the record ends the call and says whether the caller, still on
        the line, is asked the queue's keypad survey (`_surveyed`)."""
        self._record_keys()
        self.talking = None
        self.phase = Phase.SURVEY
        self.b2bua.worker.submit(
            self.b2bua.control.call_agent_hung_up,
            self._surveyed,
            contact_id=self.contact_id,
            lane=self.call_id,
        )

    def _surveyed(self, survey: Any, error: BaseException | None) -> None:
        if self.phase is not Phase.SURVEY:
            return  # the caller hung up meanwhile
        if error is not None or survey is None or not survey.questions:
            self.end(by="agent")
            return
        logger.info("voice: %s is asked the survey %s", self.call_id, survey.invitation_id)
        self.survey = SurveyRun(self, survey)
        self.survey.ask(first=True)

    def record_survey(self, invitation_id: int, answers: dict[str, int | bool]) -> None:
        self.b2bua.worker.submit(
            self.b2bua.control.call_survey_answer,
            None,
            invitation_id=invitation_id,
            answers=answers,
            lane=self.call_id,
        )

    def key_pressed(self, source_tag: str, key: str) -> None:
        """A key pressed on this call (rtpengine's event): the caller's answers the survey;
        otherwise the keys, grouped while pressed in a row, become `call.dtmf` detail."""
        if self.phase is Phase.SURVEY:
            if source_tag == self.media.caller_tag and self.survey is not None:
                self.survey.key(key)
            return
        if self.phase is Phase.ENDED:
            return
        who = "customer" if source_tag == self.media.caller_tag else "agent"
        self.pressed[who] = self.pressed.get(who, "") + key
        self.press_serial += 1
        Timeout(self._keys_paused, KEYS_PAUSE_S, 1, self.press_serial)

    def _keys_paused(self, serial: int) -> None:
        if serial == self.press_serial:
            self._record_keys()

    def _record_keys(self) -> None:
        """The keys pressed since the last detail: how many, by whom (never which: a caller
        may type a card number)."""
        agent_id = self.talking.agent_id if self.talking is not None else None
        for who, keys in self.pressed.items():
            self._record(
                "call_event",
                contact_id=self.contact_id,
                kind="dtmf",
                agent_id=agent_id,
                by=who,
                digits=keys,
            )
        self.pressed.clear()
        self.press_serial += 1

    # Losing the agent --------------------------------------------------------------------------

    def _watch(self) -> None:
        """While talking: no packet from the agent's side for MEDIA_LOST_S means they are gone.
        The count comes from rtpengine on a media thread (`B2bua.media_ask`), so a round trip
        per talking call and second never holds the reactor up."""
        leg = self.talking
        if self.phase is not Phase.TALKING or leg is None:
            return
        besides = self.consultation.tag if self.consultation is not None else ""
        self.b2bua.media_ask(
            lambda: self.media.packets_from_peers(besides=besides),
            lambda n: self._watched(leg, n),
        )

    def _watched(self, leg: AgentLeg, packets: int | None) -> None:
        """rtpengine's count of the agent's packets (None: it did not answer)."""
        if self.phase is not Phase.TALKING or leg is not self.talking:
            return
        now = self.b2bua.clock()
        if self.on_hold or (packets is not None and packets != self.last_packets):
            # on hold a phone may send nothing: the silence counts from the resume on
            self.silent_since = None
            self.last_packets = packets if packets is not None else self.last_packets
        elif self.silent_since is None:
            self.silent_since = now
        elif now - self.silent_since >= MEDIA_LOST_S:
            self.agent_lost(leg, reason="no_media")
            return
        Timeout(self._watch, WATCH_S)

    def agent_lost(self, leg: AgentLeg, *, reason: str) -> None:
        """The agent's leg died while talking: music to the caller now, back to the queue."""
        if leg is not self.talking or self._consulting_agent_gone(leg, reason):
            return
        self._back_in_line("reconnecting")
        self._hang_up(leg)
        self._record(
            "call_agent_lost", contact_id=self.contact_id, agent_id=leg.agent_id, reason=reason
        )

    def requeue(self) -> None:
        """The record put the call back in line (a transfer, the agent gone): the caller
        hears music, the agent's leg goes; the next `Ring` brings the next agent."""
        leg = self.talking
        if leg is None or self.phase is not Phase.TALKING:
            return
        consultation = self.consultation
        if consultation is not None and not consultation.handing_over:
            consultation.end("agent_lost")  # the record took the call from the agent
        self.talking = None
        self.phase = Phase.QUEUED
        self.media.play(self.b2bua.music_for(self.language))
        self._hang_up(leg)
        self._save_dialog()

    # The end ---------------------------------------------------------------------------------

    def close(self) -> None:
        """The record closed the contact: hang up both sides (not during the survey: the
        contact was completed when the agent hung up, and the caller is answering)."""
        if self.phase in (Phase.ENDED, Phase.SURVEY):
            return
        self.caller_ua.recvEvent(CCEventDisconnect())
        self.end(by="system")

    def end(self, *, by: str) -> None:
        if self.phase is Phase.ENDED:
            return
        self._record_keys()
        if self.survey is not None:
            self.survey.caller_left()
        if self.consultation is not None:
            self.consultation.end(
                {"caller": "caller_hung_up", "agent": "agent_hung_up"}.get(by, "call_closed")
            )
        self.phase = Phase.ENDED
        for leg in list(self.legs):
            if not leg.bye_sent:
                self._hang_up(leg)
        if by != "caller" and not self.caller_ua.isDead():
            self.caller_ua.recvEvent(CCEventDisconnect())
        self._drop_media()
        if self.contact_id is not None:
            self._record("call_ended", contact_id=self.contact_id, by=by)
        self.b2bua.forget(self)

    def _drop_media(self) -> None:
        self.media.delete()  # never offered, or rtpengine timed it out already: nothing

    # The record --------------------------------------------------------------------------------

    def _record(self, name: str, **kwargs: Any) -> None:
        if kwargs.get("contact_id") is None:
            return
        self.b2bua.worker.submit(
            getattr(self.b2bua.control, name), None, lane=self.call_id, **kwargs
        )

    def _save_dialog(self) -> None:
        dialog = {
            "caller": self.b2bua.dialog_of(self.caller_ua),
            "agent": self.b2bua.dialog_of(self.talking.ua)
            | {
                "agent_id": self.talking.agent_id,
                "tag": self.talking.tag,
                "webrtc": self.talking.webrtc,
            }
            if self.talking is not None
            else None,
            "rtpengine": {
                "call_id": self.media.call_id,
                "from_tag": self.media.caller_tag,
                "to_tag": self.media.peer_tag,
                "caller_sdp": self.media.caller_sdp,
                "peer_sdp": self.media.peer_sdp,
            },
        }
        self._record_dialog(dialog)

    def _record_dialog(self, dialog: dict[str, Any]) -> None:
        """What a standby needs to take the call over, saved after the jobs a caller or an
        agent waits for (`background`), in the order the call's dialog changed."""
        self.b2bua.worker.submit(
            self.b2bua.control.call_dialog_save,
            None,
            call_id=self.call_id,
            dialog=dialog,
            lane=self.call_id,
            background=True,
        )
