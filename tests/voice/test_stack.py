"""The voice stack on its own: generated configs, readiness, registrations with ephemeral
credentials, calls through the SIP edge to a registered agent and to the voice services."""

from __future__ import annotations

import subprocess
import time
import wave
from pathlib import Path

import pytest

from relais.apps.voice.stack import credentials
from relais.apps.voice.stack.kamailio import (
    KamailioConfig,
    SipAddress,
    kamailio_check,
    write_kamailio_files,
)
from relais.apps.voice.stack.processes import VoiceStack, VoiceStackError
from relais.apps.voice.stack.prompts import generate_prompts, prompt_path, prompt_texts
from relais.apps.voice.stack.rtpengine import rtpengine_ping
from tests.voice.conftest import SIP_DOMAIN, SIP_SECRET


def _config(**options: object) -> KamailioConfig:
    return KamailioConfig(
        sip_domain=SIP_DOMAIN,
        sip_secret=SIP_SECRET,
        sip_port=15060,
        ws_port=15080,
        trunks=(SipAddress.parse("192.0.2.10:5060"), SipAddress.parse("192.0.2.11")),
        voice_services=(SipAddress("127.0.0.1", 15090), SipAddress("127.0.0.1", 15091)),
        **options,  # type: ignore[arg-type]
    )


def test_generated_kamailio_config_passes_kamailio_check(work_dir: Path) -> None:
    cfg = write_kamailio_files(_config(), work_dir)

    ok, output = kamailio_check(cfg)

    assert ok, output
    assert "alias=" not in cfg.read_text()  # an alias on 127.0.0.1 loops ACK/BYE
    assert (work_dir / "dispatcher.list").read_text().splitlines()[1:] == [
        "1 sip:127.0.0.1:15090 0 2",
        "1 sip:127.0.0.1:15091 0 1",
    ]


def test_config_with_certificates_listens_on_wss(work_dir: Path) -> None:
    key, certificate = work_dir / "edge.key", work_dir / "edge.crt"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=edge.relais.invalid",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    config = _config(
        wss_port=15443, wss_host="127.0.0.1", tls_certificate=certificate, tls_private_key=key
    )

    ok, output = kamailio_check(write_kamailio_files(config, work_dir))

    assert ok, output
    assert "tls: 127.0.0.1 [127.0.0.1]:15443" in output


def test_stack_answers_ng_ping_and_sip_options(voice_stack) -> None:
    assert rtpengine_ping(voice_stack.ng_address)
    assert set(voice_stack.processes) == {"rtpengine", "kamailio"}


def test_stop_ends_every_process(voice_stack) -> None:
    processes = list(voice_stack.processes.values())

    voice_stack.stop()

    assert [process.poll() is not None for process in processes] == [True, True]
    assert not rtpengine_ping(voice_stack.ng_address, timeout_s=0.2)


def test_register_with_valid_credentials_is_accepted(voice_stack, sipp, sip_credentials) -> None:
    result = sipp.run(
        "register.xml",
        remote=voice_stack.sip_address,
        service="agent-7",
        keys={"domain": SIP_DOMAIN},
        auth=sip_credentials(7),
    )

    assert (result.exit_code, result.successful, result.failed) == (0, 1, 0)
    assert "SIP/2.0 200 OK" in result.messages()


def test_register_with_wrong_expired_or_foreign_credentials_is_refused(
    voice_stack, sipp, sip_credentials
) -> None:
    username, password = sip_credentials(7)
    wrong = (username, password[::-1])
    expired = credentials.ephemeral_credentials(
        SIP_SECRET, "agent-7", expires_at=int(time.time()) - 60
    )
    foreign = sip_credentials(8)  # valid, but for agent-8

    for auth in (wrong, expired, foreign):
        result = sipp.run(
            "register_refused.xml",
            remote=voice_stack.sip_address,
            service="agent-7",
            keys={"domain": SIP_DOMAIN},
            auth=auth,
        )
        assert (result.successful, result.failed) == (1, 0), auth
        assert "SIP/2.0 200 OK" not in result.messages(), auth


def test_voice_service_reaches_registered_agent_by_address_of_record(
    voice_stack, voice_service_addresses, sipp, sip_credentials, free_port, rtp_capture
) -> None:
    agent_port, agent_media, caller_media = free_port(), free_port(), free_port()
    registered = sipp.run(
        "register.xml",
        remote=voice_stack.sip_address,
        local_port=agent_port,
        service="agent-7",
        keys={"domain": SIP_DOMAIN},
        auth=sip_credentials(7),
    )
    assert registered.successful == 1
    capture = rtp_capture(min(agent_media, caller_media), max(agent_media, caller_media))
    agent = sipp.start(
        "agent.xml", local_port=agent_port, media_port=agent_media, rtp_echo=True, duration_ms=200
    )

    # the active voice service calls the agent's address of record through the edge
    call = sipp.run(
        "caller.xml",
        remote=voice_stack.sip_address,
        local_port=voice_service_addresses[0].port,
        service="agent-7",
        keys={"domain": SIP_DOMAIN},
        media_port=caller_media,
        duration_ms=2000,
    )

    assert (call.exit_code, call.successful, call.failed) == (0, 1, 0)
    assert agent.result().successful == 1
    caller_messages = call.messages()
    assert "SIP/2.0 180 Ringing" in caller_messages
    assert "Record-Route:" in caller_messages  # ACK and BYE went through the edge
    sent, echoed = capture.sent_by(caller_media), capture.received_by(caller_media)
    assert sent > 50
    assert echoed >= sent * 0.98


def test_call_to_unregistered_agent_gets_404(voice_stack, voice_service_addresses, sipp) -> None:
    call = sipp.run(
        "caller.xml",
        remote=voice_stack.sip_address,
        local_port=voice_service_addresses[0].port,
        service="agent-99",
        keys={"domain": SIP_DOMAIN},
    )

    assert call.failed == 1
    assert "SIP/2.0 404 Not Registered" in call.messages()


def test_trunk_call_to_a_number_is_dispatched_to_the_voice_service(
    voice_stack, voice_service_addresses, sipp
) -> None:
    active, standby = voice_service_addresses
    service = sipp.start("voice_service.xml", local_port=active.port, calls=None, rtp_echo=True)
    spare = sipp.start("voice_service.xml", local_port=standby.port, calls=None, rtp_echo=True)

    call = sipp.run(
        "caller.xml",
        remote=voice_stack.sip_address,
        service="+33187000000",
        keys={"domain": SIP_DOMAIN},
        duration_ms=500,
    )

    assert (call.exit_code, call.successful, call.failed) == (0, 1, 0)
    service.stop(), spare.stop()
    assert "INVITE sip:+33187000000@" in service.message_file.read_text()
    assert "INVITE sip:" not in spare.message_file.read_text()


def test_trunk_call_fails_over_when_the_first_voice_service_is_unavailable(
    voice_stack, voice_service_addresses, sipp
) -> None:
    first, second = voice_service_addresses
    standby = sipp.start("standby_service.xml", local_port=first.port, calls=None)
    active = sipp.start("voice_service.xml", local_port=second.port, calls=None, rtp_echo=True)
    time.sleep(2.5)  # the edge probes both every second: the first answers 503

    call = sipp.run(
        "caller.xml",
        remote=voice_stack.sip_address,
        service="+33187000000",
        keys={"domain": SIP_DOMAIN},
        duration_ms=500,
    )

    assert (call.exit_code, call.successful, call.failed) == (0, 1, 0)
    standby.stop(), active.stop()
    assert "OPTIONS sip:" in standby.message_file.read_text()
    assert "INVITE sip:" not in standby.message_file.read_text()
    assert "INVITE sip:+33187000000@" in active.message_file.read_text()


def test_prompts_are_generated_in_both_languages(work_dir: Path) -> None:
    directory = work_dir / "prompts"

    written = generate_prompts(directory)
    again = generate_prompts(directory)

    assert len(written) == 2 * len(prompt_texts()) + 1  # every prompt in fr and en, the music
    assert again == []
    for path in written:
        with wave.open(str(path)) as audio:
            assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (
                8000,
                1,
                2,
            )
            assert audio.getnframes() > 4000
    french = prompt_path("welcome", "fr", generated_dir=directory, recorded_dir=None)
    english = prompt_path("welcome", "en-GB", generated_dir=directory, recorded_dir=None)
    assert french.parent.name == "fr"
    assert english.parent.name == "en"
    assert french.read_bytes() != english.read_bytes()


def test_recorded_prompts_replace_generated_ones(work_dir: Path) -> None:
    generated, recorded = work_dir / "generated", work_dir / "recorded"
    (recorded / "fr").mkdir(parents=True)
    (recorded / "fr" / "welcome.wav").write_bytes(b"recorded")

    def path(name: str, language: str) -> Path:
        return prompt_path(name, language, generated_dir=generated, recorded_dir=recorded)

    assert path("welcome", "fr") == recorded / "fr" / "welcome.wav"
    assert path("welcome", "en") == generated / "en" / "welcome.wav"
    assert path("music", "fr") == generated / "music.wav"


def test_a_failed_start_stops_what_was_started(work_dir: Path) -> None:
    stack = VoiceStack.on_free_ports(
        work_dir / "broken",
        sip_domain=SIP_DOMAIN,
        sip_secret=SIP_SECRET,
        trunks=(SipAddress("127.0.0.1"),),
        voice_services=(SipAddress("127.0.0.1", 15090),),
        modules_dir=work_dir / "no-modules",  # Kamailio cannot load its modules
    )

    # rtpengine starts and answers, then Kamailio exits: rtpengine is stopped too
    with pytest.raises(VoiceStackError, match="kamailio exited"):
        stack.start(timeout_s=10)

    assert stack.processes == {}
    assert not rtpengine_ping(stack.ng_address, timeout_s=0.2)
    assert (work_dir / "broken" / "rtpengine.log").exists()  # it had been started
