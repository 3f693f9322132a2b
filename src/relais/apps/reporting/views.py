"""The reports page (filters, periods, site kinds side by side, charts) and its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from relais.apps.audit.services import audit_access
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import SiteKind
from relais.apps.organisation.scoping import scope_for
from relais.apps.reporting import exports, presentation
from relais.apps.reporting.errors import ErrorCode
from relais.apps.reporting.figures import GROUP_HEADINGS, PERIOD_HEADINGS
from relais.apps.reporting.forms import ReportForm
from relais.apps.reporting.selectors import may_see_reports, report, site_kind_comparison

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _checked(request: HttpRequest) -> None:
    if not may_see_reports(request.user):
        raise Http404


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _checked(request)
    viewer = request.user
    form = ReportForm(request.GET, viewer=viewer)
    context: dict[str, object] = {
        "form": form,
        "valid": form.is_valid(),
        "may_see_deflection": scope_for(viewer).everything,
    }
    if form.is_valid():
        query = form.query()
        rows = report(viewer=viewer, query=query)
        compared = site_kind_comparison(viewer=viewer, query=query)
        comparison = [(str(label), compared[kind]) for kind, label in SiteKind.choices]
        links = QueryDict(mutable=True)
        links.update(form.link_query())
        context |= {
            "query": query,
            "rows": presentation.table_rows(rows, query.period),
            "period_heading": PERIOD_HEADINGS[query.period],
            "group_heading": GROUP_HEADINGS.get(query.group_by or ""),
            "comparison": [(label, presentation.summary_cells(s)) for label, s in comparison],
            "volume_chart": presentation.volume_chart(
                rows, period=query.period, grouped=query.group_by is not None
            ),
            "comparison_chart": presentation.comparison_chart(comparison),
            "querystring": links.urlencode(),
        }
    return render(request, "reporting/reports.html", context)


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponse:
    _checked(request)
    if kind not in CONTENT_TYPES:
        raise Http404
    form = ReportForm(request.GET, viewer=request.user)
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        error = RelaisError(ErrorCode.INVALID_REPORT_QUERY, problems=problems)
        return HttpResponse(
            error.message, status=error.status, content_type="text/plain; charset=utf-8"
        )
    query = form.query()
    rows = report(viewer=request.user, query=query)
    layout = exports.Layout(period=query.period, group_by=query.group_by)
    language = get_language() or "fr"
    write = exports.as_csv if kind == "csv" else exports.as_xlsx
    audit_access(
        actor=request.user,  # type: ignore[arg-type]
        action="report.export",
        obj=request.user,
        changes={"format": kind, "query": request.GET.urlencode()[:500]},
    )
    response = HttpResponse(
        write(rows, layout=layout, language=language), content_type=CONTENT_TYPES[kind]
    )
    name = _("relais-report")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{query.start.isoformat()}-{query.end.isoformat()}.{kind}"'
    )
    return response
