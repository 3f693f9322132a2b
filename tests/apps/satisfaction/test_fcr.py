"""First-contact resolution: repeats across partners charged to the first, pending, identity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.routing.models import Queue
from relais.apps.satisfaction import services
from relais.apps.satisfaction.models import FcrJudgement, FcrOutcome
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.satisfaction.making import handled

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)


def _outcomes() -> dict[int, int]:
    return dict(FcrJudgement.objects.values_list("contact_id", "outcome"))


def test_a_repeat_taken_by_another_partner_is_charged_to_the_first(
    world: World, queue: Queue
) -> None:
    # given a customer served by Atlas (Rabat) about order 42, who comes back two days later
    # about the same order and reaches Carpathia (Bucarest)
    now = timezone.now()
    key = "email:client@exemple.fr"
    first = handled(
        queue,
        [world.agents["rabat0"]],
        at=now - dt.timedelta(days=20),
        customer_key=key,
        order="42",
    )
    repeat = handled(
        queue,
        [world.agents["bucarest0"]],
        at=now - dt.timedelta(days=18),
        customer_key=key,
        order="42",
    )
    # when FCR is judged with a 7-day window
    counts = services.fcr_recompute(window_days=7, as_of=now)
    # then Atlas's contact is the repeat's cause, Carpathia's is resolved
    outcomes = _outcomes()
    assert outcomes[first.pk] == FcrOutcome.REPEAT
    assert outcomes[repeat.pk] == FcrOutcome.RESOLVED
    judged = FcrJudgement.objects.get(contact=first)
    assert judged.partner_id == world.atlas.pk
    assert counts["repeat"] == 1
    assert AuditEntry.objects.filter(action="fcr.recompute").count() == 1


def test_another_subject_is_no_repeat_and_unknown_customers_are_not_judged(
    world: World, queue: Queue
) -> None:
    now = timezone.now()
    agent = world.agents["lille0"]
    key = "tel:+33600000000"
    a = handled(
        queue, [agent], at=now - dt.timedelta(days=20), customer_key=key, reason_code="delivery"
    )
    b = handled(
        queue, [agent], at=now - dt.timedelta(days=19), customer_key=key, reason_code="invoice"
    )
    anonymous = handled(queue, [agent], at=now - dt.timedelta(days=19))
    services.fcr_recompute(window_days=7, as_of=now)
    outcomes = _outcomes()
    assert outcomes[a.pk] == FcrOutcome.RESOLVED
    assert outcomes[b.pk] == FcrOutcome.RESOLVED
    assert outcomes[anonymous.pk] == FcrOutcome.UNIDENTIFIED


def test_a_contact_inside_its_window_is_pending_not_resolved(world: World, queue: Queue) -> None:
    now = timezone.now()
    recent = handled(
        queue, [world.agents["lille0"]], at=now - dt.timedelta(days=2), customer_key="id:7"
    )
    services.fcr_recompute(window_days=7, as_of=now)
    assert _outcomes()[recent.pk] == FcrOutcome.PENDING
