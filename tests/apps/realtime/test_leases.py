"""Connections' leases: who is connected, since when they are not (realtime/)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.realtime import services
from relais.apps.realtime.duties import duties_run_due, duty_register, duty_unregister
from relais.apps.realtime.models import Connection, LeaseKind
from relais.apps.realtime.selectors import Standing, lease_standings, stale_after

pytestmark = pytest.mark.django_db

DESK = LeaseKind.DESK


def test_a_subject_is_connected_while_one_of_its_connections_is_open() -> None:
    services.lease_open(kind=DESK, subject_id=7, channel_name="tab-1")
    services.lease_open(kind=DESK, subject_id=7, channel_name="tab-2")
    services.lease_close(channel_name="tab-1")
    assert lease_standings(kind=DESK) == {7: Standing(connected=True)}

    closed_at = services.lease_close(channel_name="tab-2")
    assert closed_at is not None
    assert Connection.objects.get(channel_name="tab-2").closed_at == closed_at
    standing = lease_standings(kind=DESK)[7]
    assert (standing.connected, standing.lost_at) == (False, closed_at)
    assert services.lease_close(channel_name="tab-2") is None  # closed once
    assert lease_standings(kind=LeaseKind.CHAT) == {}


def test_a_connection_whose_process_stopped_beating_is_lost_since_it_went_stale() -> None:
    services.lease_open(kind=DESK, subject_id=7, channel_name="tab")
    seen = timezone.now() - dt.timedelta(minutes=5)
    Connection.objects.filter(channel_name="tab").update(seen_at=seen)
    assert lease_standings(kind=DESK)[7] == Standing(False, seen + stale_after())

    assert services.leases_heartbeat() == 1  # the process is alive after all
    assert lease_standings(kind=DESK)[7].connected


def test_the_heartbeat_and_the_shutdown_touch_only_this_process_open_connections() -> None:
    services.lease_open(kind=DESK, subject_id=1, channel_name="mine")
    services.lease_open(kind=DESK, subject_id=2, channel_name="theirs")
    Connection.objects.filter(channel_name="theirs").update(process="another:1:x")
    assert services.leases_heartbeat() == 1
    assert services.leases_close_process() == 1
    assert Connection.objects.get(channel_name="mine").closed_at is not None
    assert Connection.objects.get(channel_name="theirs").closed_at is None


def test_a_second_hello_on_the_same_connection_keeps_its_one_lease() -> None:
    services.lease_open(kind=LeaseKind.CHAT, subject_id=3, channel_name="widget")
    services.lease_open(kind=LeaseKind.CHAT, subject_id=3, channel_name="widget")
    assert Connection.objects.filter(channel_name="widget").count() == 1


def test_what_the_page_says_is_kept_with_the_lost_connection() -> None:
    services.lease_open(kind=LeaseKind.CHAT, subject_id=3, channel_name="widget")
    assert services.lease_mark(channel_name="widget", hidden=True)
    services.lease_close(channel_name="widget")
    assert not services.lease_mark(channel_name="widget", goodbye=True)  # closed already
    standing = lease_standings(kind=LeaseKind.CHAT)[3]
    assert (standing.hidden, standing.goodbye) == (True, False)


def test_long_closed_connections_are_purged() -> None:
    services.lease_open(kind=DESK, subject_id=1, channel_name="old")
    services.lease_close(channel_name="old")
    assert services.leases_purge(now=timezone.now() + services.KEEP_CLOSED / 2) == 0
    assert services.leases_purge(now=timezone.now() + services.KEEP_CLOSED * 2) == 1


def test_duties_run_when_due_and_a_failing_one_does_not_stop_the_others() -> None:
    ran: list[str] = []

    def failing() -> None:
        raise RuntimeError("boom")

    duty_register("test.failing", 10, failing)
    duty_register("test.counting", 10, lambda: ran.append("x"))
    try:
        assert {"test.failing", "test.counting"} <= set(duties_run_due(1_000.0))
        assert "test.counting" not in duties_run_due(1_005.0)
        assert "test.counting" in duties_run_due(1_011.0)
        assert ran == ["x", "x"]
    finally:
        duty_unregister("test.failing")
        duty_unregister("test.counting")
