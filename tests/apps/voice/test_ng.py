"""The ng protocol's bencoding (docs/voice.md, "Call control"); rtpengine itself: tests/voice."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais.apps.voice.ng import BencodeError, NgClient, NgError, NgTimeout, bdecode, bencode

values = st.recursive(
    st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_bencode_writes_the_canonical_form_with_sorted_keys():
    message = {"sdp": "v=0\r\n", "command": "offer", "flags": ["trust-address"], "repeat-times": 2}

    assert (
        bencode(message)
        == b"d7:command5:offer5:flagsl13:trust-addresse12:repeat-timesi2e3:sdp5:v=0\r\ne"
    )


def test_bencode_counts_bytes_not_characters():
    assert bencode("Zoé") == b"4:Zo\xc3\xa9"
    assert bdecode(b"4:Zo\xc3\xa9") == "Zoé"


def test_bdecode_keeps_bytes_that_are_not_utf8():
    assert bdecode(b"2:\xff\xfe") == b"\xff\xfe"


@given(values)
def test_bdecode_reads_back_what_bencode_wrote(value):
    assert bdecode(bencode(value)) == value


@pytest.mark.parametrize(
    "data", [b"", b"i12", b"ie", b"i1x2e", b"5:abc", b"l1:a", b"d1:ae", b"di1e1:ae", b"x", b"1:ab"]
)
def test_bdecode_refuses_malformed_input(data):
    with pytest.raises(BencodeError):
        bdecode(data)


def test_bencode_refuses_what_it_cannot_represent():
    with pytest.raises(TypeError):
        bencode(True)
    with pytest.raises(TypeError):
        bencode(1.5)  # type: ignore[arg-type]


def test_an_error_answer_raises_with_rtpengine_s_reason():
    with pytest.raises(NgError, match="Unknown call-id"):
        NgClient._result("query", bencode({"result": "error", "error-reason": "Unknown call-id"}))


def test_an_unreadable_answer_raises():
    with pytest.raises(NgError, match="unreadable"):
        NgClient._result("ping", b"d6:result")


def test_requests_to_an_rtpengine_that_is_down_time_out_each_time() -> None:
    # given nothing listening on the ng port (each datagram draws an ICMP "port unreachable",
    # which the thread's kept socket reports on its next call)
    from relais.apps.voice.stack.ports import free_port

    client = NgClient(("127.0.0.1", free_port()), timeout=0.05, retries=2)
    # then every request ends as NgTimeout, the first and those after it
    for _ in range(3):
        with pytest.raises(NgTimeout):
            client.ping()
