"""REST API v1 of queues: definitions for every signed-in person, live status in scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from relais.apps.organisation.scoping import scope_for
from relais.apps.pagination import Page
from relais.apps.router.schemas import QueueRead, QueueStatusRead
from relais.apps.router.selectors import queue_status
from relais.apps.routing import selectors

router = Router(tags=["routing"])


@router.get("/queues", response=list[QueueRead])
@paginate(Page)
def list_queues(request: HttpRequest) -> Any:
    return selectors.queue_list(viewer=request.user)


@router.get("/queues/{queue_id}", response=QueueRead)
def read_queue(request: HttpRequest, queue_id: int) -> Any:
    return selectors.queue_get(viewer=request.user, queue_id=queue_id)


@router.get("/queues/{queue_id}/status", response=QueueStatusRead)
def read_queue_status(request: HttpRequest, queue_id: int) -> Any:
    queue = selectors.queue_get(viewer=request.user, queue_id=queue_id)
    figures = queue_status(viewer=request.user, queue=queue)
    return {
        "queue_id": queue.pk,
        "code": queue.code,
        "waiting": figures.waiting,
        "longest_wait_seconds": round(figures.longest_wait_seconds, 3),
        "agents_by_state": figures.agents_by_state,
        "agents_counted": "all" if scope_for(request.user).everything else "in your scope",
    }
