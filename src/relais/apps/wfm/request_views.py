"""Pages of the staffing requests: the day of every request, one request side by side
(requested, committed, delivered), its versions; the publish and commit forms.

Reads through `request_selectors` (outside the viewer's scope: 404), writes through
`staffing_requests`; a refused write shows its message, keeps what was typed, saves nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.errors import RelaisError
from relais.apps.wfm import request_selectors, selectors, staffing_figures, staffing_requests
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.models import StaffingRequest
from relais.apps.wfm.views import View, refusals_as_pages, staffing_context

#: Prefix of a commitment field: ``commit-<ISO start>``.
FIELD = "commit-"


def _day(request: HttpRequest) -> date:
    value = request.GET.get("day", "").strip()
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RelaisError(ErrorCode.INVALID_DAY, value=value[:40]) from None


def _readable(request: HttpRequest) -> None:
    if not request_selectors.can_read_requests(request.user):
        raise RelaisError(AccountsErrorCode.NOT_FOUND, kind=StaffingRequest._meta.verbose_name)


def bad_day_as_page(view: View) -> View:
    """A ``?day=`` that is not a date: a 400 page saying so."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RelaisError as refused:
            if refused.code == ErrorCode.INVALID_DAY:
                return render(request, "404.html", {"message": refused.message}, status=400)
            raise

    return wrapped


@login_required
@refusals_as_pages
@bad_day_as_page
def requests_index(request: HttpRequest) -> HttpResponse:
    _readable(request)
    day = _day(request)
    staffing_requests.staffing_requests_freeze()
    visible = request_selectors.staffing_request_list(viewer=request.user)
    days = staffing_figures.staffing_days(requests=visible, day=day)
    return render(
        request,
        "wfm/requests.html",
        {
            "day": day,
            "is_today": day == timezone.localdate(),
            "days": days,
            "totals": {
                "under_committed": sum(d.under_committed for d in days),
                "not_committed": sum(d.not_committed for d in days),
                "under_delivered": sum(d.under_delivered for d in days),
            },
            "can_publish": request_selectors.can_publish(request.user),
        },
    )


def _detail_context(
    request: HttpRequest, staffing_request: StaffingRequest, day: date, **extra: Any
) -> dict[str, Any]:
    figures = staffing_figures.staffing_day(request=staffing_request, day=day)
    typed: dict[datetime, str] = extra.pop("typed", {})
    entries = [
        (row, typed.get(row.start, "" if row.committed is None else row.committed))
        for row in figures.rows
    ]
    return {
        "entries": entries,
        "staffing_request": staffing_request,
        "day": day,
        "is_today": day == timezone.localdate(),
        "figures": figures,
        "versions": request_selectors.request_version_list(request=staffing_request),
        "can_commit": request_selectors.can_commit(request.user, staffing_request),
        **extra,
    }


@login_required
@refusals_as_pages
@bad_day_as_page
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    staffing_request = request_selectors.staffing_request_get(
        viewer=request.user, request_id=request_id
    )
    day = _day(request)
    staffing_requests.staffing_requests_freeze()
    return render(request, "wfm/request.html", _detail_context(request, staffing_request, day))


def _start(name: str) -> datetime | None:
    """The aware start of a ``commit-<ISO start>`` field, or None."""
    try:
        start = datetime.fromisoformat(name.removeprefix(FIELD))
    except ValueError:
        return None
    return start if name.startswith(FIELD) and start.tzinfo is not None else None


def _headcounts(request: HttpRequest) -> dict[datetime, str]:
    headcounts: dict[datetime, str] = {}
    for name in request.POST:
        value = request.POST.get(name, "")
        if not name.startswith(FIELD) or not value.strip():
            continue
        start = _start(name)
        if start is None:
            raise RelaisError(
                ErrorCode.COMMITMENT_UNKNOWN_INTERVAL, interval=name.removeprefix(FIELD)[:40]
            )
        headcounts[start] = value
    return headcounts


@login_required
@require_POST
@refusals_as_pages
@bad_day_as_page
def request_commit(request: HttpRequest, request_id: int) -> HttpResponse:
    staffing_request = request_selectors.staffing_request_get(
        viewer=request.user, request_id=request_id
    )
    day = _day(request)
    typed = {start: value for name, value in request.POST.items() if (start := _start(name))}
    try:
        staffing_requests.staffing_commitment_save(
            actor=request.user,  # type: ignore[arg-type]
            request=staffing_request,
            headcounts=_headcounts(request),
        )
    except RelaisError as error:
        if error.code == AccountsErrorCode.NOT_FOUND or error.status == 403:
            raise
        context = _detail_context(request, staffing_request, day, error=error, typed=typed)
        return render(request, "wfm/request.html", context, status=error.status)
    url = reverse("wfm:request", args=[staffing_request.pk])
    return redirect(f"{url}?day={day.isoformat()}")


@login_required
@refusals_as_pages
@bad_day_as_page
def version_detail(request: HttpRequest, request_id: int, number: int) -> HttpResponse:
    staffing_request = request_selectors.staffing_request_get(
        viewer=request.user, request_id=request_id
    )
    version = request_selectors.request_version_get(request=staffing_request, number=number)
    return render(
        request,
        "wfm/request_version.html",
        {
            "staffing_request": staffing_request,
            "version": version,
            "intervals": version.intervals.order_by("start"),
        },
    )


@login_required
@require_POST
@refusals_as_pages
def staffing_publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.staffing_plan_get(viewer=request.user, plan_id=plan_id)
    try:
        version = staffing_requests.staffing_request_publish(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
        )
    except RelaisError as error:
        if error.code == AccountsErrorCode.NOT_FOUND or error.status == 403:
            raise
        context = staffing_context(plan, publish_error=error)
        return render(request, "wfm/staffing.html", context, status=error.status)
    first = version.intervals.order_by("start").first()
    day = timezone.localdate(first.start) if first else timezone.localdate()
    url = reverse("wfm:request", args=[version.request_id])
    return redirect(f"{url}?day={day.isoformat()}")
