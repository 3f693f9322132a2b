"""The sourcing comparison page and the upload page of partners' reported figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from relais.apps.errors import RelaisError
from relais.apps.sourcing import presentation
from relais.apps.sourcing.access import importable_partners, may_compare, may_import
from relais.apps.sourcing.comparison import comparison
from relais.apps.sourcing.forms import ComparisonForm, ImportForm
from relais.apps.sourcing.measured import Period
from relais.apps.sourcing.models import ImportChannel
from relais.apps.sourcing.parsing import csv_rows
from relais.apps.sourcing.selectors import reported_day_list, reported_import_list
from relais.apps.sourcing.services import reported_import

DEFAULT_DAYS = 30


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    if not may_compare(request.user):
        raise Http404
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", (today - dt.timedelta(days=DEFAULT_DAYS)).isoformat())
    data.setdefault("end", (today - dt.timedelta(days=1)).isoformat())
    form = ComparisonForm(data)
    context: dict[str, object] = {"form": form, "valid": form.is_valid()}
    if form.is_valid():
        period = Period(
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            queue_ids=tuple(queue.pk for queue in form.cleaned_data["queues"]),
        )
        result = comparison(viewer=request.user, period=period)
        context |= {
            "period": period,
            "lines": [presentation.line_cells(line, result.currency) for line in result.lines],
            "quality_chart": presentation.quality_chart(result),
            "cost_chart": presentation.cost_chart(result),
            "currency": result.currency,
            "may_import": may_import(request.user),
        }
    return render(
        request, "sourcing/comparison.html", context, status=200 if form.is_valid() else 400
    )


@login_required
@require_http_methods(["GET", "POST"])
def reported(request: HttpRequest) -> HttpResponse:
    """Upload a partner's figures file; the recent imports and days stored."""
    if not may_import(request.user):
        raise Http404
    partners = importable_partners(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, partners=partners)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = reported_import(
                    actor=request.user,
                    partner=form.cleaned_data["partner"],
                    rows=((line, (line, row)) for line, row in csv_rows(upload.read())),
                    channel=ImportChannel.PAGE,
                    source=upload.name,
                    tolerance=float(form.cleaned_data["tolerance"]) / 100,
                )
            except RelaisError as error:
                form.add_error("file", error.message)
                status = error.status
            else:
                text = _("%(stored)s days stored from %(lines)s lines, %(skipped)s skipped.") % {
                    "stored": batch.stored,
                    "lines": batch.lines,
                    "skipped": batch.skipped,
                }
                messages.success(request, text)
                return redirect("sourcing:reported")
        else:
            status = 400
    context = {
        "form": form,
        "imports": reported_import_list(viewer=request.user)[:10],
        "days": reported_day_list(viewer=request.user).order_by("-day", "partner__name")[:60],
    }
    return render(request, "sourcing/reported.html", context, status=status)
