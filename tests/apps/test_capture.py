"""The test helper that counts a call's queries and captures its pushes (tests/apps/capture.py),
in a test wrapped in a transaction, where nothing commits."""

from __future__ import annotations

import pytest
from django.db import transaction

from relais.apps.audit.models import AuditEntry
from relais.apps.realtime.push import group_send, send_frame_on_commit
from tests.apps.capture import RecordingChannelLayer, captured

pytestmark = pytest.mark.django_db


def test_the_pushes_waiting_for_a_commit_leave_at_the_end_of_the_block(
    recording_layer: RecordingChannelLayer,
) -> None:
    # given nothing pushed before
    group_send("desk-0", "desk.event", {"type": "before"})

    # when a block reads once and pushes on commit, then at once
    with captured() as step:
        AuditEntry.objects.count()
        with transaction.atomic():
            send_frame_on_commit("desk-1", {"type": "offer.made", "id": 1}, handler="desk.event")
        group_send("chat-1", "chat.typing", {"type": "typing"})

    # then its query and its savepoint are counted, and its pushes kept in the order sent:
    # the one waiting for a commit that never comes in this test leaves last
    assert step.query_count == 3  # the count, SAVEPOINT, RELEASE SAVEPOINT
    assert step.sent == [("chat-1", "typing"), ("desk-1", "offer.made")]
    assert step.pushes[1].handler == "desk.event"
    assert step.pushes[1].frame == {"type": "offer.made", "id": 1}


def test_a_push_rolled_back_is_not_sent(recording_layer: RecordingChannelLayer) -> None:
    # when a block pushes on commit and then rolls back
    with captured() as step, transaction.atomic():
        send_frame_on_commit("desk-1", {"type": "offer.made"}, handler="desk.event")
        transaction.set_rollback(True)

    # then nothing was sent
    assert step.sent == []
    assert recording_layer.pushes == []


def test_captured_refuses_a_layer_that_does_not_record() -> None:
    # given the default channel layer
    # when a block is captured, then it is refused with the fixture to request
    with pytest.raises(AssertionError, match="recording_layer"), captured():
        pass
