"""The demo's staffing request: today's, published to Atlas Contact and answered; loaded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.apps.wfm import staffing_figures
from relais.apps.wfm.models import RequestKind, StaffingRequest
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from relais.demo.staffing import load_demo_staffing


@pytest.fixture
def demo(db: None) -> None:
    load_demo_company()
    load_demo_queues()
    assert load_demo_staffing()


def test_today_is_requested_frozen_and_answered_lower_by_atlas(demo: None) -> None:
    request = StaffingRequest.objects.get()
    figures = staffing_figures.staffing_day(request=request, day=timezone.localdate())

    assert (request.partner.name, request.queue) == ("Atlas Contact", "commandes")
    kinds = list(request.versions.order_by("number").values_list("kind", flat=True))
    assert kinds == [RequestKind.PUBLISHED, RequestKind.FROZEN_D1]
    assert sum(row.requested or 0 for row in figures.rows) > 0
    assert figures.not_committed == 0
    assert figures.under_committed > 0
    assert not load_demo_staffing()  # a second run writes nothing
    assert request.versions.count() == 2
