"""The compliance pages, administrators only: the audit log (search, CSV, verification),
a customer's personal data (export, erasure with confirmation) and retention (dry run, apply).
Every export, erasure and retention run is audited by its service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from relais.apps.audit.services import audit_access
from relais.apps.audit.verification import chain_verify
from relais.apps.compliance import selectors
from relais.apps.compliance.audit_csv import audit_csv
from relais.apps.compliance.erasure import customer_erase
from relais.apps.compliance.export import customer_export
from relais.apps.compliance.forms import AuditSearchForm, CustomerForm
from relais.apps.compliance.models import DataKind
from relais.apps.compliance.retention import retention_apply
from relais.apps.errors import RelaisError

PAGE_SIZE = 100
CSV_ROWS = 50_000


def _checked(request: HttpRequest) -> None:
    if not selectors.may_see_compliance(request.user):
        raise Http404


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _checked(request)
    form = AuditSearchForm(request.GET or None)
    where = form.where() if form.is_valid() else selectors.AuditFilter()
    found = selectors.audit_search(viewer=request.user, where=where)
    if request.GET.get("format") == "csv":
        audit_access(
            actor=request.user,  # type: ignore[arg-type]
            action="audit.export",
            obj=request.user,
            changes={"query": request.GET.urlencode()[:500]},
        )
        response = HttpResponse(audit_csv(found[:CSV_ROWS]), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="relais-audit-{stamp}.csv"'
        return response
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {"form": form, "page": page, "querystring": query.urlencode()}
    return render(request, "compliance/audit_log.html", context)


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    _checked(request)
    verdict = chain_verify()
    if verdict.intact:
        messages.success(request, verdict.message)
    else:
        messages.error(request, verdict.message)
    return redirect("compliance:audit_log")


@login_required
@require_http_methods(["GET", "POST"])
def customer(request: HttpRequest) -> HttpResponse:
    """Look a customer up; export their data or erase it."""
    _checked(request)
    form = CustomerForm(request.POST or request.GET or None)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        given, reason = form.cleaned_data["customer"], form.cleaned_data["reason"]
        try:
            if request.method == "POST" and request.POST.get("action") == "export":
                archive = customer_export(actor=request.user, given=given, reason=reason)
                response = HttpResponse(archive, content_type="application/zip")
                response["Content-Disposition"] = 'attachment; filename="relais-customer.zip"'
                return response
            if request.method == "POST" and request.POST.get("action") == "erase":
                counts = customer_erase(
                    actor=request.user,
                    given=given,
                    reason=reason,
                    confirm=form.cleaned_data["confirm"],
                )
                messages.success(
                    request,
                    _("The customer's data is erased (%(contacts)s contacts).")
                    % {"contacts": counts["contacts"]},
                )
                return redirect("compliance:customer")
            key, holdings = selectors.customer_holdings(viewer=request.user, given=given)
            context |= {"key": key, "holdings": holdings, "total": sum(holdings.values())}
        except RelaisError as refused:
            context["error"] = refused.message
            status = refused.status
            return render(request, "compliance/customer.html", context, status=status)
    return render(request, "compliance/customer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    """The rules, what a run would scrub now, and a button to run it."""
    _checked(request)
    if request.method == "POST":
        counts = retention_apply(actor=request.user)
        messages.success(
            request,
            _("Retention applied: %(rows)s rows scrubbed.") % {"rows": sum(counts.values())},
        )
        return redirect("compliance:retention")
    due = retention_apply(dry_run=True)
    context = {
        "rules": selectors.retention_rules(viewer=request.user),
        "due": [(label, due[kind]) for kind, label in DataKind.choices],
    }
    return render(request, "compliance/retention.html", context)
