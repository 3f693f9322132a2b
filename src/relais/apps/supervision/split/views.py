"""The volume split page: target against actual share per split queue, live and by interval.

`?day=YYYY-MM-DD` (default: today, in the queue's time zone) and `?interval=15|30`
(default 30); anything else is refused with 400 and a message."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from relais.apps.errors import RelaisError
from relais.apps.supervision.access import may_supervise
from relais.apps.supervision.errors import ErrorCode
from relais.apps.supervision.split.selectors import INTERVAL_MINUTES, split_report


def _day(value: str) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise RelaisError(ErrorCode.INVALID_SPLIT_PERIOD) from error


def _interval(value: str) -> int:
    if not value:
        return 30
    if value.isdigit() and int(value) in INTERVAL_MINUTES:
        return int(value)
    raise RelaisError(ErrorCode.INVALID_SPLIT_PERIOD)


@login_required
def volume_split(request: HttpRequest) -> HttpResponse:
    if not may_supervise(request.user):
        raise Http404
    error = None
    try:
        day = _day(request.GET.get("day", ""))
        minutes = _interval(request.GET.get("interval", ""))
    except RelaisError as refused:
        error, day, minutes = refused.message, timezone.localdate(), 30
    report = split_report(viewer=request.user, day=day, interval_minutes=minutes)
    context = {
        "report": report,
        "day": day,
        "interval": minutes,
        "interval_choices": INTERVAL_MINUTES,
        "error": error,
    }
    return render(request, "supervision/split.html", context, status=400 if error else 200)
