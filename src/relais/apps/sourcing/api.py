"""REST API v1 of sourcing: partners keeping their own systems send their daily figures."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from relais.apps.accounts.auth import request_user
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Partner
from relais.apps.pagination import Page
from relais.apps.sourcing import selectors
from relais.apps.sourcing.access import importable_partners, may_import
from relais.apps.sourcing.errors import ErrorCode
from relais.apps.sourcing.models import ImportChannel
from relais.apps.sourcing.parsing import numbered
from relais.apps.sourcing.schemas import (
    ReportedDayRead,
    ReportedImportCreate,
    ReportedImportRead,
)
from relais.apps.sourcing.services import reported_import

router = Router(tags=["sourcing"])


def _partner(viewer: Any, partner_id: int | None) -> Partner:
    if not may_import(viewer):
        raise RelaisError(ErrorCode.NOT_ALLOWED)
    partners = importable_partners(viewer)
    if partner_id is None:
        if partners.count() != 1 or viewer.partner_id is None:
            raise RelaisError(ErrorCode.PARTNER_REQUIRED)
        own: Partner = partners.get()
        return own
    found: Partner | None = partners.filter(pk=partner_id).first()
    if found is None:
        raise RelaisError(ErrorCode.UNKNOWN_PARTNER)
    return found


@router.get(
    "/sourcing/reported-days", response=list[ReportedDayRead], operation_id="list_reported_days"
)
@paginate(Page)
def reported_days(
    request: HttpRequest,
    partner_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Any:
    """The reported days the viewer may read (its own partner's for a partner manager)."""
    if not may_import(request.user):
        raise RelaisError(ErrorCode.NOT_ALLOWED)
    return selectors.reported_day_list(
        viewer=request.user, partner_id=partner_id, start=start, end=end
    )


@router.post(
    "/sourcing/reported-days",
    response={201: ReportedImportRead},
    operation_id="import_reported_days",
)
def import_reported_days(request: HttpRequest, body: ReportedImportCreate) -> Any:
    """Import a partner's daily figures; rows that cannot be read are named with their number
    (from 1) and skipped below `tolerance`, above it nothing is stored (400)."""
    actor = request_user(request)
    partner = _partner(actor, body.partner_id)
    batch = reported_import(
        actor=actor,
        partner=partner,
        rows=numbered(list(body.rows)),
        channel=ImportChannel.API,
        source=body.source,
        tolerance=body.tolerance,
    )
    return Status(201, batch)
