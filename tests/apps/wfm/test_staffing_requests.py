"""Staffing requests: versions and freezing at the horizons, the partner's commitment, the
scope of each role, delivery from a known state log and the deviations counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactEvent, EventKind
from relais.apps.wfm import request_selectors, staffing_figures
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.models import CommittedInterval, RequestKind, StaffingRequestVersion
from relais.apps.wfm.staffing_requests import (
    staffing_commitment_save,
    staffing_request_publish,
    staffing_requests_freeze,
)
from tests.apps.conftest import World
from tests.apps.factories import UserFactory
from tests.apps.routing.fixtures import orders_queue
from tests.apps.wfm.staffing_request_data import HALF, nine, plan_for

DAY = dt.timedelta(days=1)


def _kinds(request_id: int) -> list[str]:
    versions = StaffingRequestVersion.objects.filter(request_id=request_id).order_by("number")
    return list(versions.values_list("kind", flat=True))


def test_each_publication_is_a_version_and_horizons_freeze_once(world: World) -> None:
    # given: a plan for a day 60 days ahead, published by the planner
    planner = world.users["planner"]
    day = timezone.localdate() + 60 * DAY
    first = staffing_request_publish(actor=planner, plan=plan_for(world.rabat, day))
    request = first.request

    # when: the job runs at M-1, twice at W-1, then at D-1
    at = nine(day)
    staffing_requests_freeze(now=at - 30 * DAY)
    staffing_requests_freeze(now=at - 7 * DAY)
    staffing_requests_freeze(now=at - 7 * DAY + dt.timedelta(hours=1))
    staffing_request_publish(actor=planner, plan=plan_for(world.rabat, day, agents=(5, 5, 5)))
    staffing_requests_freeze(now=at - DAY)

    # then: every version is kept, each horizon froze once, the D-1 one from the newest
    assert (request.partner, request.queue) == (world.atlas, "orders")
    assert _kinds(request.pk) == [
        RequestKind.PUBLISHED,
        RequestKind.FROZEN_M1,
        RequestKind.FROZEN_W1,
        RequestKind.PUBLISHED,
        RequestKind.FROZEN_D1,
    ]
    requested = staffing_figures.requested_by_interval(request=request, start=at, end=at + 3 * HALF)
    assert [row.agents for row in requested.values()] == [5, 5, 5]
    assert {row.version.number for row in requested.values()} == {5}
    assert AuditEntry.objects.filter(action="wfm.staffing_request.freeze").count() == 3


def test_a_frozen_day_keeps_its_headcount_when_the_client_publishes_again(world: World) -> None:
    # given: a request for today, frozen at D-1 on publication
    planner = world.users["planner"]
    today = timezone.localdate()
    version = staffing_request_publish(actor=planner, plan=plan_for(world.rabat, today))
    assert _kinds(version.request_id) == [RequestKind.PUBLISHED, RequestKind.FROZEN_D1]

    # when: the planner publishes other figures for the same day
    staffing_request_publish(actor=planner, plan=plan_for(world.rabat, today, agents=(9, 9, 9)))

    # then: a third version is kept, but the frozen figures bind
    figures = staffing_figures.staffing_day(request=version.request, day=today)
    assert [row.requested for row in figures.rows] == [3, 2, 4]
    assert len(_kinds(version.request_id)) == 3


def test_only_the_clients_roles_publish_to_a_partner(world: World) -> None:
    plan = plan_for(world.rabat, timezone.localdate())
    with pytest.raises(RelaisError) as refused:
        staffing_request_publish(actor=world.users["partner_manager"], plan=plan)
    assert refused.value.code == ErrorCode.PUBLISH_NOT_ALLOWED
    with pytest.raises(RelaisError) as inshore:
        staffing_request_publish(
            actor=world.users["director"], plan=plan_for(world.lille, timezone.localdate())
        )
    assert inshore.value.code == ErrorCode.SITE_WITHOUT_PARTNER
    assert not StaffingRequestVersion.objects.exists()


def test_the_partner_commits_and_every_change_is_audited(world: World) -> None:
    # given: a request to Atlas for today
    day = timezone.localdate()
    request = staffing_request_publish(
        actor=world.users["planner"], plan=plan_for(world.rabat, day)
    ).request
    manager = world.users["partner_manager"]

    # when: Atlas's manager commits, then changes one interval
    staffing_commitment_save(
        actor=manager, request=request, headcounts={nine(day): "3", nine(day) + HALF: "1"}
    )
    staffing_commitment_save(actor=manager, request=request, headcounts={nine(day): " 2 "})

    # then
    committed = staffing_figures.committed_by_interval(
        request=request, start=nine(day), end=nine(day) + DAY
    )
    assert committed == {nine(day): 2, nine(day) + HALF: 1}
    entries = AuditEntry.objects.filter(action="wfm.staffing_commitment.save").order_by("id")
    assert entries.count() == 2
    assert entries.last().changes[nine(day).isoformat()] == [3, 2]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-1", ErrorCode.COMMITMENT_NOT_WHOLE),
        ("2.5", ErrorCode.COMMITMENT_NOT_WHOLE),
        ("deux", ErrorCode.COMMITMENT_NOT_WHOLE),
        ("1e3", ErrorCode.COMMITMENT_NOT_WHOLE),
    ],
)
def test_a_bad_headcount_refuses_the_whole_answer(
    world: World, value: str, code: ErrorCode
) -> None:
    day = timezone.localdate()
    request = staffing_request_publish(
        actor=world.users["planner"], plan=plan_for(world.rabat, day)
    ).request
    with pytest.raises(RelaisError) as refused:
        staffing_commitment_save(
            actor=world.users["partner_manager"],
            request=request,
            headcounts={nine(day): "3", nine(day) + HALF: value},
        )
    assert refused.value.code == code
    assert not CommittedInterval.objects.exists()


def test_an_interval_outside_the_request_is_refused(world: World) -> None:
    day = timezone.localdate()
    request = staffing_request_publish(
        actor=world.users["planner"], plan=plan_for(world.rabat, day)
    ).request
    with pytest.raises(RelaisError) as refused:
        staffing_commitment_save(
            actor=world.users["partner_manager"],
            request=request,
            headcounts={nine(day) - HALF: "3"},
        )
    assert refused.value.code == ErrorCode.COMMITMENT_UNKNOWN_INTERVAL
    assert not CommittedInterval.objects.exists()


def test_a_partner_sees_and_answers_only_its_own_requests(world: World) -> None:
    # given: requests to Atlas and to Carpathia
    day = timezone.localdate()
    planner = world.users["planner"]
    atlas = staffing_request_publish(actor=planner, plan=plan_for(world.rabat, day)).request
    carpathia = staffing_request_publish(actor=planner, plan=plan_for(world.bucarest, day)).request
    carpathia_manager = UserFactory(
        username="manager.carpathia", role="partner_manager", partner=world.carpathia
    )

    # then
    assert list(request_selectors.staffing_request_list(viewer=carpathia_manager)) == [carpathia]
    assert set(request_selectors.staffing_request_list(viewer=planner)) == {atlas, carpathia}
    assert not request_selectors.staffing_request_list(viewer=world.users["supervisor"]).exists()
    with pytest.raises(RelaisError):
        request_selectors.staffing_request_get(viewer=carpathia_manager, request_id=atlas.pk)
    with pytest.raises(RelaisError) as other:
        staffing_commitment_save(
            actor=carpathia_manager, request=atlas, headcounts={nine(day): "1"}
        )
    assert other.value.status == 404
    with pytest.raises(RelaisError) as client:
        staffing_commitment_save(actor=planner, request=atlas, headcounts={nine(day): "1"})
    assert client.value.code == ErrorCode.COMMIT_NOT_ALLOWED
    assert not CommittedInterval.objects.exists()


def _state(agent_key: str, world: World, at: dt.datetime, state: str) -> None:
    ContactEvent.objects.create(
        at=at,
        kind=EventKind.AGENT_STATE_CHANGED,
        agent=world.agents[agent_key],
        data={"state": state, "reason": None},
        by_router=True,
    )


def test_delivery_comes_from_the_state_log_and_deviations_are_counted(world: World) -> None:
    # given: yesterday Atlas was asked 3, 2, 4 agents and committed 3, 1 and nothing
    day = timezone.localdate() - DAY
    queue = orders_queue(world)
    request = staffing_request_publish(
        actor=world.users["planner"], plan=plan_for(world.rabat, day)
    ).request
    staffing_commitment_save(
        actor=world.users["partner_manager"],
        request=request,
        headcounts={nine(day): "3", nine(day) + HALF: "1"},
    )
    # two Rabat agents log in at 09:00; one leaves at 09:30; a Bucarest agent does not count
    _state("rabat0", world, nine(day), "available")
    _state("rabat1", world, nine(day), "available")
    _state("rabat1", world, nine(day) + HALF, "offline")
    _state("bucarest0", world, nine(day), "available")
    # two contacts answered at Rabat in the first half-hour, one after 40 s of waiting
    for waited in (5, 40):
        arrived = nine(day) + dt.timedelta(minutes=10)
        Contact.objects.create(
            channel=queue.channel,
            queue=queue,
            priority=0,
            created_at=arrived,
            queued_at=arrived,
            accepted_at=arrived + dt.timedelta(seconds=waited),
            site=world.rabat,
            partner=world.atlas,
            agent=world.agents["rabat0"],
        )

    # when
    figures = staffing_figures.staffing_day(request=request, day=day)

    # then
    rows = figures.rows
    assert [row.requested for row in rows] == [3, 2, 4]
    assert [row.committed for row in rows] == [3, 1, None]
    assert [row.delivered.agents_logged_in for row in rows] == [2.0, 1.0, 1.0]
    assert [row.delivered.productive_hours for row in rows] == [1.0, 0.5, 0.5]
    assert rows[0].delivered.service_level == pytest.approx(0.5)
    assert (figures.under_committed, figures.not_committed, figures.under_delivered) == (1, 1, 1)
    assert rows[0].under_delivered
    assert rows[1].under_committed
    assert rows[2].not_committed
    assert figures.requested_hours == pytest.approx(4.5)
    assert figures.committed_hours == pytest.approx(2.0)


def test_the_commit_form_shows_a_clear_error_and_keeps_what_was_typed(world: World) -> None:
    # given: Atlas's manager on today's request
    from tests.apps.conftest import logged_in

    day = timezone.localdate()
    request = staffing_request_publish(
        actor=world.users["planner"], plan=plan_for(world.rabat, day)
    ).request
    client = logged_in(world.users["partner_manager"])
    url = f"/planning/requests/{request.pk}/commit/?day={day.isoformat()}"

    # when: one headcount is negative
    refused = client.post(
        url,
        {f"commit-{nine(day).isoformat()}": "3", f"commit-{(nine(day) + HALF).isoformat()}": "-2"},
    )

    # then: 400, the message names the interval, the typed values stay, nothing is saved
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'data-code="commitment_not_whole"' in html
    assert 'value="-2"' in html
    assert 'value="3"' in html
    assert not CommittedInterval.objects.exists()

    # when: corrected
    saved = client.post(
        url,
        {f"commit-{nine(day).isoformat()}": "3", f"commit-{(nine(day) + HALF).isoformat()}": "2"},
    )

    # then: back on the day's page, with the deviations counted
    assert saved.status_code == 302
    page = client.get(saved["Location"]).content.decode()
    assert 'data-testid="count-under-committed"' in page
    assert CommittedInterval.objects.count() == 2


def test_a_day_that_is_not_a_date_is_a_clear_400(world: World) -> None:
    from tests.apps.conftest import logged_in

    response = logged_in(world.users["director"]).get("/planning/requests/?day=31/02/2026")

    assert response.status_code == 400
    assert "31/02/2026" in response.content.decode()


def test_the_freeze_command_freezes_what_a_horizon_reached_once(world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    # given: a request for a day five days ahead, frozen at W-1 on publication
    day = timezone.localdate() + 5 * DAY
    version = staffing_request_publish(
        actor=world.users["planner"], plan=plan_for(world.rabat, day)
    )

    # when: the command runs twice
    first, second = StringIO(), StringIO()
    call_command("freeze_staffing_requests", stdout=first)
    call_command("freeze_staffing_requests", stdout=second)

    # then: nothing new to freeze (W-1 was taken on publication; D-1 is days away)
    assert _kinds(version.request_id) == [RequestKind.PUBLISHED, RequestKind.FROZEN_W1]
    assert "0 frozen version(s)" in first.getvalue()
    assert "0 frozen version(s)" in second.getvalue()
