"""Who steers queues and who opens their admin (issue 15, finding 3): organisation-wide
roles only, checked by the routing services themselves whoever calls them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.router import services
from relais.apps.routing.models import OverflowStep, Queue
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue

ROLES = [
    "administrator",
    "director",
    "planner",
    "quality_analyst",
    "partner_manager",
    "supervisor",
    "supervisor_atlas",
    "agent",
]


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_and_directors_steer_through_the_services(
    world: World, role: str
) -> None:
    queue = orders_queue(world)
    step = queue.overflow_steps.get(order=1)
    actor = world.users[role]
    steers = role in ("administrator", "director")

    if steers:
        services.overflow_step_override(actor=actor, step=step, state="closed", reason="r")
        services.queue_priority_set(actor=actor, queue=queue, priority=7, reason="r")
    else:
        with pytest.raises(RelaisError) as closing:
            services.overflow_step_override(actor=actor, step=step, state="closed", reason="r")
        with pytest.raises(RelaisError) as prioritising:
            services.queue_priority_set(actor=actor, queue=queue, priority=7, reason="r")
        assert closing.value.code == prioritising.value.code == "steering_not_allowed"
        assert closing.value.status == 403
        with translation.override("en"):
            assert "Only administrators and directors" in closing.value.message
        with translation.override("fr"):
            assert "Seuls les administrateurs et les directeurs" in closing.value.message

    assert OverflowStep.objects.get(pk=step.pk).override == ("closed" if steers else "")
    assert Queue.objects.get(pk=queue.pk).priority == (7 if steers else 0)
    changes = ContactEvent.objects.filter(kind=EventKind.QUEUE_CONFIGURATION_CHANGED).count()
    assert changes == (2 if steers else 0)


def test_a_staff_account_that_is_not_an_administrator_cannot_open_the_queue_admin(
    world: World,
) -> None:
    # given a supervisor made staff and given every permission on queues by mistake
    queue = orders_queue(world)
    supervisor = world.users["supervisor_atlas"]
    supervisor.is_staff = True
    supervisor.save(update_fields=["is_staff"])
    supervisor.user_permissions.set(Permission.objects.filter(content_type__app_label="routing"))
    client = logged_in(supervisor)
    audit_before = AuditEntry.objects.count()

    listed = client.get(reverse("admin:routing_queue_changelist"))
    page = client.get(reverse("admin:routing_queue_change", args=[queue.pk]))
    changed = client.post(
        reverse("admin:routing_queue_change", args=[queue.pk]), {"priority": "50"}
    )
    index = client.get(reverse("admin:index")).content.decode()

    assert listed.status_code == 403
    assert page.status_code == changed.status_code == 403
    assert Queue.objects.get(pk=queue.pk).priority == 0
    assert AuditEntry.objects.count() == audit_before
    assert reverse("admin:routing_queue_changelist") not in index


def test_the_administrator_opens_the_queue_admin(world: World) -> None:
    queue = orders_queue(world)
    client = logged_in(world.users["administrator"])
    administrator = world.users["administrator"]
    administrator.user_permissions.set(Permission.objects.filter(content_type__app_label="routing"))

    page = client.get(reverse("admin:routing_queue_change", args=[queue.pk]))

    assert page.status_code == 200
