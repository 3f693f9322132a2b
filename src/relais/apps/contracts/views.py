"""Statement pages: the list, a statement with its lines and disputes, a line's basis,
and the audited actions (compute, issue, agree, dispute, decide). Exports in `exports`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from relais.apps.contracts import access, selectors, services
from relais.apps.contracts.attachments import attachment_path
from relais.apps.contracts.errors import ErrorCode
from relais.apps.contracts.models import Contract, DisputeState, StatementState
from relais.apps.errors import RelaisError


def _refused(request: HttpRequest, error: RelaisError | None = None) -> HttpResponse:
    refused = error or RelaisError(ErrorCode.NOT_ALLOWED)
    return render(request, "contracts/refused.html", {"error": refused}, status=refused.status)


def _index(request: HttpRequest, error: RelaisError | None = None) -> HttpResponse:
    context = {
        "statements": selectors.statement_list(viewer=request.user),
        "contracts": selectors.contract_list(viewer=request.user),
        "may_bill": access.may_bill(request.user),
        "error": error,
    }
    return render(request, "contracts/index.html", context, status=error.status if error else 200)


@login_required
@require_GET
def statement_index(request: HttpRequest) -> HttpResponse:
    if not access.may_see_statements(request.user):
        return _refused(request)
    return _index(request)


def _month(raw: str) -> date | None:
    try:
        year, month = raw.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


@login_required
@require_POST
def statement_compute(request: HttpRequest) -> HttpResponse:
    if not access.may_bill(request.user):
        return _refused(request)
    raw = request.POST.get("contract", "")
    contract = Contract.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    month = _month(request.POST.get("month", ""))
    if month is None or contract is None:
        return _index(
            request,
            RelaisError(ErrorCode.NO_CONTRACT_VERSION, month=request.POST.get("month", "")[:7]),
        )
    try:
        statement = services.statement_compute(actor=request.user, contract=contract, month=month)
    except RelaisError as error:
        return _index(request, error)
    return redirect("contracts:statement", statement.pk)


def _detail(
    request: HttpRequest, statement_id: int, error: RelaisError | None = None
) -> HttpResponse:
    statement = selectors.statement_get(viewer=request.user, statement_id=statement_id)
    context = {
        "statement": statement,
        "lines": selectors.statement_lines(statement),
        "may_bill": access.may_bill(request.user),
        "may_dispute": access.may_dispute(request.user, statement)
        and statement.state in (StatementState.ISSUED, StatementState.DISPUTED),
        "may_agree": access.may_dispute(request.user, statement)
        and statement.state == StatementState.ISSUED,
        "open": DisputeState.OPEN,
        "error": error,
    }
    return render(
        request, "contracts/statement.html", context, status=error.status if error else 200
    )


@login_required
@require_GET
def statement_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    if not access.may_see_statements(request.user):
        return _refused(request)
    return _detail(request, statement_id)


@login_required
@require_GET
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    if not access.may_see_statements(request.user):
        return _refused(request)
    line = selectors.line_get(viewer=request.user, line_id=line_id)
    context = {"line": line, "statement": line.statement, "basis": selectors.line_basis(line)}
    return render(request, "contracts/line.html", context)


def _acted(
    request: HttpRequest, statement_id: int, act: Callable[[], object], *, refusable: bool = False
) -> HttpResponse:
    """Run one action on a statement, then back to it; a refused action shows the statement
    with its error (`refusable`: a 403 shows the refusal page, as for another partner's)."""
    try:
        act()
    except RelaisError as error:
        if refusable and error.status == 403:
            return _refused(request, error)
        return _detail(request, statement_id, error)
    return redirect("contracts:statement", statement_id)


@login_required
@require_POST
def statement_issue(request: HttpRequest, statement_id: int) -> HttpResponse:
    if not access.may_bill(request.user):
        return _refused(request)
    statement = selectors.statement_get(viewer=request.user, statement_id=statement_id)
    return _acted(
        request,
        statement.pk,
        lambda: services.statement_issue(actor=request.user, statement=statement),
    )


@login_required
@require_POST
def statement_agree(request: HttpRequest, statement_id: int) -> HttpResponse:
    if not access.may_see_statements(request.user):
        return _refused(request)
    statement = selectors.statement_get(viewer=request.user, statement_id=statement_id)
    return _acted(
        request,
        statement.pk,
        lambda: services.statement_agree(actor=request.user, statement=statement),
        refusable=True,
    )


@login_required
@require_POST
def dispute_open(request: HttpRequest, line_id: int) -> HttpResponse:
    if not access.may_see_statements(request.user):
        return _refused(request)
    line = selectors.line_get(viewer=request.user, line_id=line_id)
    return _acted(
        request,
        line.statement_id,
        lambda: services.dispute_open(
            actor=request.user,
            line=line,
            comment=request.POST.get("comment", ""),
            files=request.FILES.getlist("attachment"),
        ),
        refusable=True,
    )


@login_required
@require_POST
def dispute_decide(request: HttpRequest, dispute_id: int) -> HttpResponse:
    if not access.may_bill(request.user):
        return _refused(request)
    dispute = selectors.dispute_get(viewer=request.user, dispute_id=dispute_id)
    return _acted(
        request,
        dispute.line.statement_id,
        lambda: services.dispute_decide(
            actor=request.user,
            dispute=dispute,
            accept=request.POST.get("decision") == "accept",
            amount=request.POST.get("amount", "0"),
            decision=request.POST.get("comment", ""),
        ),
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse | FileResponse:
    if not access.may_see_statements(request.user):
        return _refused(request)
    attachment = selectors.attachment_get(viewer=request.user, attachment_id=attachment_id)
    response = FileResponse(
        attachment_path(attachment).open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
