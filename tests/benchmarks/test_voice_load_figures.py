"""bench.voice_load's RTP figures: what rtpengine had to deliver, and what it did."""

from collections import Counter

import pytest
from bench.voice_load import bridged_packets, rtp_figures

RTPENGINE = range(20000, 20100)
CALLER_MEDIA, AGENT_MEDIA = 40000, 41000


def test_bridged_packets_start_at_the_callers_200_and_end_with_the_hold() -> None:
    # two calls of 10 s: answered by the voice service after 0.2 s and 0.1 s, their agents'
    # answers recorded 1.2 s and 2.1 s after the INVITE: 9 s and 8 s of the stream bridged
    assert bridged_packets([1.2, 2.1], [0.2, 0.1], 10.0) == pytest.approx(50 * 17.0)
    assert bridged_packets([], [], 10.0) == 0.0


def test_the_ratio_counts_each_way_at_most_what_was_expected() -> None:
    flows = Counter(
        {
            (CALLER_MEDIA, 20000): 1000,  # the caller sent 20 s
            (20002, AGENT_MEDIA): 900,  # its agent was bridged for 18 s, 10 packets lost
            (AGENT_MEDIA, 20002): 890,  # the desk phone's echo
            (20000, CALLER_MEDIA): 1005,  # music then the echo: 5 more than expected
        }
    )
    figures = rtp_figures(
        flows,
        RTPENGINE,
        agent_media=AGENT_MEDIA,
        callers={"sip": CALLER_MEDIA},
        expected_to_callers={"sip": 1000},
        expected_to_agents={"sip": 910},
    )
    assert figures["rtp_to_sip_agents"] == 900
    assert figures["rtp_to_sip_callers"] == 1005
    assert figures["rtp_packet_ratio"] == round((900 + 1000) / (910 + 1000), 3)
    assert figures["rtp_packet_ratio_whole_call"] == round((900 + 1005) / 2000, 3)


def test_chromium_threads_are_told_apart_by_what_they_work_for() -> None:
    from bench.voice_browsers import chromium_share

    assert chromium_share("utility:AudioService/AudioProcessing") == "audio"
    assert chromium_share("renderer/AudioOutputDevi") == "audio"
    assert chromium_share("renderer/ThreadPoolAudio") == "audio"
    assert chromium_share("renderer/WebRTC_W_and_N") == "webrtc"
    assert chromium_share("utility:NetworkService/Chrome_ChildIOT") == "webrtc"
    assert chromium_share("renderer/chromium") == "page"
    assert chromium_share("gpu-process/VizCompositorTh") == "page"
    assert chromium_share("browser/chromium") == "other"
    assert chromium_share("renderer/ThreadPoolForeg") == "other"


def test_chromium_threads_reads_every_thread_of_a_process_tree() -> None:
    import os
    import subprocess
    import sys

    from bench.voice_browsers import ChromiumThreads, chromium_threads

    # a child process under this one (as Chromium's processes are under Playwright's driver)
    child = subprocess.Popen(["sleep", "5"])
    try:
        threads = chromium_threads(os.getpid())
    finally:
        child.kill()
        child.wait()
    names = {name for name, _seconds in threads.values()}
    assert "browser/sleep" in names  # the child's thread, by its name
    assert all(name.startswith("browser/") for name in names)  # no --type=: a browser's

    # a thread that burns CPU and ends before the sampling stops still counts
    sampler = ChromiumThreads(os.getpid()).start()
    burner = subprocess.Popen(
        [sys.executable, "-c", "import time\nwhile time.process_time() < 1.0: pass"]
    )
    burner.wait(60)
    used = sampler.stop()
    assert sum(used.values()) > 0.1, used  # read while it burned (gone by the end)
