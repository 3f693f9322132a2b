"""The media range a stack is given never overlaps the ports the kernel hands out by itself."""

from __future__ import annotations

from relais.apps.voice.stack.ports import ephemeral_ports, free_port, free_port_range


def test_the_media_range_is_outside_the_ephemeral_range() -> None:
    low, high = ephemeral_ports()
    assert low <= high
    for _ in range(20):
        first, last = free_port_range(1000)
        assert last - first == 999
        assert first % 2 == 0  # RTP on even ports
        assert last < low or first > high


def test_a_free_port_is_never_in_a_media_range() -> None:
    first, last = free_port_range(2000)
    for _ in range(50):
        assert not first <= free_port() <= last
