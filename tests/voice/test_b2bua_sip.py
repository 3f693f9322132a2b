"""Bad SIP input to `relais voice`, sent to it directly and through Kamailio: each gets its SIP
answer and changes nothing else (docs/voice.md, "Call control"). Real rtpengine and Kamailio,
SIPp as the operator, PostgreSQL."""

from __future__ import annotations

import pytest

from relais.apps.interactions.models import Contact, ContactState
from relais.apps.voice.models import Call, CallState
from relais.apps.voice.stack.kamailio import SipAddress
from relais.apps.voice.stack.processes import VoiceStack
from tests.voice.b2bua_support import (
    DIALLED,
    INVITE,
    SDP_OFFER,
    RtpEndpoint,
    Stack,
    caller_scenario,
    finished,
    scenario,
    send,
    sipp,
    wait_for,
    wait_until_dispatched,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]

OFFER = "      " + SDP_OFFER.replace("[$rtpport]", "40000").replace("\n", "\n      ")

HEADERS = """Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch{offset}]
      From: "Client" <sip:0612345678@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>{to_tag}
      Call-ID: [call_id]
      CSeq: {cseq}
      Max-Forwards: 70"""


def request(line: str, cseq: str, *, offset: int = 0, to_tag: str = "", body: str = "") -> str:
    headers = HEADERS.format(offset=f"-{offset}" if offset else "", to_tag=to_tag, cseq=cseq)
    content = "\n      Content-Type: application/sdp" if body else ""
    return f"{line} SIP/2.0\n      {headers}{content}\n      Content-Length: [len]\n\n{body}"


def refused(status: int, message: str) -> str:
    """An INVITE answered `status`, acknowledged (same branch as the INVITE)."""
    return scenario(
        f"refused-{status}",
        send(message),
        '<recv response="100" optional="true"/>',
        f'<recv response="{status}"/>',
        send(
            request(
                "ACK sip:[service]@[remote_ip]:[remote_port]",
                "1 ACK",
                offset=3,
                to_tag="[peer_tag_param]",
            ),
            retrans=False,
        ),
    )


def run(stack: Stack, name: str, xml: str, *args: str) -> None:
    process = sipp(stack.workdir, name, xml, *args, target=stack.target)
    assert finished(process, stack) == 0, stack.logs()


@pytest.mark.parametrize("through", ["direct", "kamailio"])
def test_bad_sip_input_gets_its_answer_and_changes_nothing_else(
    world: object,
    phone_queue: object,
    stack: Stack,
    voice_stack: VoiceStack,
    voice_service_addresses: tuple[SipAddress, SipAddress],
    through: str,
) -> None:
    # given the voice service, which lets callers ring 2 s before the queue answers, reached
    # directly or as the operator does, through Kamailio (which answers OPTIONS for a number
    # itself: only INVITEs come in from the trunk)
    options_status = 200
    if through == "kamailio":
        stack.voice("voice", "--answer-delay", "2", sip_port=voice_service_addresses[0].port)
        stack.sip_port = voice_stack.sip_address[1]  # the requests go to Kamailio
        wait_until_dispatched(voice_stack.sip_address, DIALLED)
        options_status = 405
    else:
        stack.voice("voice", "--answer-delay", "2")

    # an INVITE whose body is not SDP: 400
    run(
        stack,
        "malformed",
        refused(400, INVITE.replace("[len]", "[len]") + "      hello"),
        "-s",
        DIALLED,
    )
    # an INVITE that requires reliable provisional responses (100rel), which the service does
    # not support: 420 naming it
    requiring = INVITE.replace("Max-Forwards: 70", "Max-Forwards: 70\n      Require: 100rel")
    run(
        stack,
        "require",
        refused(420, requiring + OFFER).replace(
            '<recv response="420"/>',
            '<recv response="420"><action><ereg regexp="100rel" search_in="hdr"'
            ' header="Unsupported:" check_it="true" assign_to="tag"/></action></recv>'
            '<Reference variables="tag"/>',
        ),
        "-s",
        DIALLED,
    )
    # an INVITE to a number nobody answers: 404
    run(stack, "unknown", refused(404, INVITE + OFFER), "-s", "+33100000000")
    # a BYE for a dialog nobody knows: 481
    run(
        stack,
        "bye",
        scenario(
            "bye",
            send(
                request(
                    "BYE sip:[service]@[remote_ip]:[remote_port]", "7 BYE", to_tag=";tag=nobody"
                )
            ),
            '<recv response="481"/>',
        ),
        "-s",
        DIALLED,
    )
    # OPTIONS (Kamailio's dispatcher probing): 200 from the active service
    run(
        stack,
        "options",
        scenario(
            "options",
            send(request("OPTIONS sip:[service]@[remote_ip]:[remote_port]", "1 OPTIONS")),
            f'<recv response="{options_status}"/>',
        ),
        "-s",
        DIALLED,
    )
    assert Contact.objects.count() == 0
    assert Call.objects.count() == 0

    # a CANCEL while the caller hears ringing: 487, and the contact abandoned
    run(
        stack,
        "cancel",
        scenario(
            "cancel",
            send(INVITE + OFFER),
            '<recv response="100" optional="true"/>',
            '<recv response="180"/>',
            send(request("CANCEL sip:[service]@[remote_ip]:[remote_port]", "1 CANCEL", offset=3)),
            # the CANCEL's 200 and the INVITE's 487 may cross (UDP, a busy machine)
            '<recv response="200" optional="true"/>',
            '<recv response="487"/>',
            send(
                request(
                    "ACK sip:[service]@[remote_ip]:[remote_port]",
                    "1 ACK",
                    offset=6,
                    to_tag="[peer_tag_param]",
                ),
                retrans=False,
            ),
        ),
        "-s",
        DIALLED,
    )
    call = Call.objects.get()
    assert wait_for(
        lambda: Contact.objects.filter(pk=call.contact_id, state=ContactState.ABANDONED).exists(),
        10,
    ), stack.logs()
    call.refresh_from_db()
    assert (call.state, call.ended_by) == (CallState.ENDED, "caller")
    assert Contact.objects.count() == 1

    # a re-INVITE from the operator while queued: 200 with the same media, nothing else
    with RtpEndpoint() as media:
        caller = sipp(
            stack.workdir,
            "reinvite",
            caller_scenario(hang_up_after_ms=1000, reinvite=True),
            "-s",
            DIALLED,
            "-set",
            "rtpport",
            str(media.port),
            target=stack.target,
        )
        assert finished(caller, stack) == 0, stack.logs()
    assert media.music > 0, stack.logs()
    assert wait_for(
        lambda: Call.objects.filter(state=CallState.ENDED, ended_by="caller").count() == 2, 10
    ), stack.logs()
    assert Contact.objects.count() == 2
    assert not Contact.objects.exclude(state=ContactState.ABANDONED).exists()

    # a REFER from the operator while queued (to hand our caller elsewhere): 403, and the call
    # goes on, the caller hearing music until it hangs up
    with RtpEndpoint() as media:
        caller = sipp(
            stack.workdir,
            "refer",
            caller_scenario(hang_up_after_ms=1500, refer=True),
            "-s",
            DIALLED,
            "-set",
            "rtpport",
            str(media.port),
            target=stack.target,
        )
        assert finished(caller, stack) == 0, stack.logs()
        heard = list(media.music_times)
    # SIPp got its 403, then its BYE's 200 (a call ended by the REFER answers 481): the call
    # went on, with music
    assert heard, stack.logs()
    assert wait_for(
        lambda: Call.objects.filter(state=CallState.ENDED, ended_by="caller").count() == 3, 10
    ), stack.logs()
    assert Contact.objects.count() == 3
    assert not Contact.objects.exclude(state=ContactState.ABANDONED).exists()
