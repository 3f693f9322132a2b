"""Switch a crisis mode on or off, in one audited transaction (docs/crisis.md).

On: the queues' opening hours and `active` flag are recorded in the mode's `previous`, then
changed as the mode says (the live router is told through `queue_configuration_changed`), and
a blocking briefing goes to the agents of every affected queue (`briefings.publish_briefing`).
Off: the recorded values are put back exactly. One mode is on at a time.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.briefings.services import publish_briefing
from relais.apps.crisis.access import require_switching
from relais.apps.crisis.errors import ErrorCode
from relais.apps.crisis.models import CrisisMode
from relais.apps.errors import RelaisError
from relais.apps.router.services import queue_configuration_changed
from relais.apps.routing.models import Queue

_FIELDS = ("opening_hours", "active")


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    return reason[:500]


def _set_queue(*, actor: User, queue: Queue, values: dict[str, Any]) -> dict[str, list[Any]]:
    changed = {
        name: [getattr(queue, name), value]
        for name, value in values.items()
        if getattr(queue, name) != value
    }
    if changed:
        for name, (_before, after) in changed.items():
            setattr(queue, name, after)
        queue.save(update_fields=list(changed))
        queue_configuration_changed(actor=actor, queue=queue, what={"crisis": changed})
    return changed


def crisis_mode_switch_on(*, actor: User, mode: CrisisMode, reason: str) -> CrisisMode:
    require_switching(actor)
    reason = _checked_reason(reason)
    with transaction.atomic(durable=True):
        mode = CrisisMode.objects.select_for_update().get(pk=mode.pk)
        if mode.on:
            raise RelaisError(ErrorCode.ALREADY_IN_STATE)
        if CrisisMode.objects.filter(on=True).exists():
            raise RelaisError(ErrorCode.ANOTHER_MODE_ON)
        previous: dict[str, dict[str, Any]] = {}
        changes: dict[str, Any] = {}
        queues: list[Queue] = []
        for change in mode.changes.select_related("queue").order_by("queue__code"):
            queue = Queue.objects.select_for_update().get(pk=change.queue_id)
            previous[str(queue.pk)] = {name: getattr(queue, name) for name in _FIELDS}
            wanted: dict[str, Any] = {}
            if change.close:
                wanted["active"] = False
            if change.opening_hours.strip():
                wanted["opening_hours"] = change.opening_hours.strip()
            changes[queue.code] = _set_queue(actor=actor, queue=queue, values=wanted)
            queues.append(queue)
        briefing = None
        if queues and mode.briefing_text.strip():
            briefing = publish_briefing(
                author=actor,
                title=mode.name,
                summary=mode.briefing_text,
                queues=queues,
                blocking=True,
                source=f"crisis:{mode.pk}",
            )
        mode.on = True
        mode.previous = previous
        mode.switched_at = timezone.now()
        mode.switched_by = actor
        mode.briefing = briefing
        mode.save(update_fields=["on", "previous", "switched_at", "switched_by", "briefing"])
        audit_record(
            actor=actor,
            action="crisis.mode_on",
            obj=mode,
            changes={
                "queues": changes,
                "articles": sorted(mode.articles.values_list("slug", flat=True)),
                "briefing": briefing.pk if briefing else None,
            },
            reason=reason,
        )
    return mode


def crisis_mode_switch_off(*, actor: User, mode: CrisisMode, reason: str) -> CrisisMode:
    require_switching(actor)
    reason = _checked_reason(reason)
    with transaction.atomic(durable=True):
        mode = CrisisMode.objects.select_for_update().get(pk=mode.pk)
        if not mode.on:
            raise RelaisError(ErrorCode.ALREADY_IN_STATE)
        restored: dict[str, Any] = {}
        for queue_id, values in sorted(mode.previous.items()):
            queue = Queue.objects.select_for_update().filter(pk=int(queue_id)).first()
            if queue is not None:
                restored[queue.code] = _set_queue(actor=actor, queue=queue, values=values)
        mode.on = False
        mode.previous = {}
        mode.switched_at = timezone.now()
        mode.switched_by = actor
        mode.save(update_fields=["on", "previous", "switched_at", "switched_by"])
        audit_record(
            actor=actor,
            action="crisis.mode_off",
            obj=mode,
            changes={"queues": restored},
            reason=reason,
        )
    return mode
