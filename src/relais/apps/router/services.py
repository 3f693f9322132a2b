"""Writes of the routing configuration that the live router must follow.

Each service changes the record in one transaction, audits it, and appends a
`queue.configuration_changed` request to the event log (through `interactions.log`, which
wakes the router at commit: pg_notify on PostgreSQL, an event in this process). The router
applies that request by rebuilding its engine from the record: waiting contacts keep their
queued time and step, offers stay with their agents (docs/router.md).

Only organisation-wide roles steer (`router.access`: administrators and directors); each
service checks its actor, whoever calls it (the wallboard, the API, a test), and refuses
anyone else with 403 `steering_not_allowed` before reading anything.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import Contact, ContactState, EventKind
from relais.apps.router.access import require_steering
from relais.apps.routing.errors import ErrorCode
from relais.apps.routing.models import OverflowStep, Queue, StepOverride

PRIORITY_RANGE = range(-100, 101)
#: Contacts that are still in their queue's line, or may go back to it.
_IN_LINE = (ContactState.CREATED, ContactState.QUEUED, ContactState.OFFERED)


def queue_configuration_changed(
    *, actor: User | None, queue: Queue, what: dict[str, Any] | None = None
) -> None:
    """Tell the router (inside the caller's transaction) to read the configuration again."""
    event_append(
        kind=EventKind.QUEUE_CONFIGURATION_CHANGED,
        at=timezone.now(),
        queue_id=queue.pk,
        actor=actor,
        data=what or {},
    )


def overflow_step_override(
    *, actor: User, step: OverflowStep, state: str, reason: str
) -> OverflowStep:
    """Open ("open") or close ("closed") the step now, or back to its rules ("")."""
    require_steering(actor)
    if state not in StepOverride.values:
        raise RelaisError(ErrorCode.INVALID_OVERRIDE)
    with transaction.atomic(durable=True):
        step = OverflowStep.objects.select_for_update().select_related("queue").get(pk=step.pk)
        before = step.override
        if before == state:
            return step
        step.override = state
        step.override_by = actor if state else None
        step.override_at = timezone.now() if state else None
        step.override_reason = reason[:500] if state else ""
        step.save(update_fields=["override", "override_by", "override_at", "override_reason"])
        changes = {"queue": step.queue.code, "step": step.order, "override": [before, state]}
        audit_record(
            actor=actor,
            action="routing.overflow_step_override",
            obj=step,
            changes=changes,
            reason=reason,
        )
        queue_configuration_changed(actor=actor, queue=step.queue, what=changes)
    return step


def queue_priority_set(*, actor: User, queue: Queue, priority: int, reason: str) -> Queue:
    """The queue's priority for the contacts that arrive from now on, and for those waiting in
    it that carry its former priority (a contact given its own priority keeps it)."""
    require_steering(actor)
    if priority not in PRIORITY_RANGE:
        raise RelaisError(ErrorCode.INVALID_PRIORITY)
    with transaction.atomic(durable=True):
        queue = Queue.objects.select_for_update().get(pk=queue.pk)
        before = queue.priority
        if before == priority:
            return queue
        queue.priority = priority
        queue.save(update_fields=["priority"])
        waiting = Contact.objects.filter(queue=queue, state__in=_IN_LINE, priority=before)
        moved = waiting.update(priority=priority)
        changes = {"priority": [before, priority], "waiting_contacts": moved}
        audit_record(
            actor=actor, action="routing.queue_priority", obj=queue, changes=changes, reason=reason
        )
        queue_configuration_changed(actor=actor, queue=queue, what={"priority": [before, priority]})
    return queue
