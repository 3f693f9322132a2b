"""REST API v1 of the customer's record: revealing one masked field, audited
(docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from relais.apps.accounts.auth import request_user
from relais.apps.desktop import services
from relais.apps.desktop.schemas import UnmaskIn, UnmaskOut

router = Router(tags=["privacy"])


@router.post("/contacts/{contact_id}/unmask", response=UnmaskOut)
def unmask_field(request: HttpRequest, contact_id: int, payload: UnmaskIn) -> Any:
    value = services.customer_field_unmask(
        actor=request_user(request),
        contact_id=contact_id,
        field=payload.field,
        reason=payload.reason,
    )
    return {"contact_id": contact_id, "field": payload.field, "value": value}
