"""A statement as XLSX (its lines, then each line's basis) and as PDF (a printed layout),
in the reader's language. Text cells are written formula-safe (relais.core.spreadsheet)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from fpdf import FPDF
from openpyxl import Workbook

from relais.apps.contracts import access, selectors
from relais.apps.contracts.models import Statement
from relais.apps.contracts.views import _refused
from relais.apps.contracts.wording import line_wording, unit_label
from relais.core.spreadsheet import looks_like_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value: str) -> str:
    return f"'{value}" if looks_like_formula(value) else value


def _headers() -> list[str]:
    return [
        _("Activity"),
        _("Pricing unit"),
        _("Label"),
        _("Adjusts month"),
        _("Quantity"),
        _("Unit price"),
        _("Amount"),
    ]


def statement_workbook(statement: Statement) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Statement")
    sheet.append(
        [
            _text(str(statement.contract.partner)),
            f"{statement.month:%Y-%m}",
            statement.get_state_display(),
            statement.currency,
        ]
    )
    sheet.append(_headers())
    lines = selectors.statement_lines(statement)
    for line in lines:
        sheet.append(
            [
                _text(line.activity),
                unit_label(line.unit),
                _text(line_wording(line.label)),
                line.adjusts,
                line.quantity,
                line.unit_price,
                line.amount,
            ]
        )
    sheet.append(["", "", "", "", "", _("Total"), statement.total])
    basis = book.create_sheet(_("Basis"))
    basis.append([_("Line"), _("Agent"), _("Interval start"), _("Contact"), _("Quantity")])
    for line in lines:
        found = selectors.line_basis(line)
        for row in found.rows if not found.contacts_total else []:
            start = row.interval_start.replace(tzinfo=None) if row.interval_start else None
            basis.append([line.position, row.agent_id, start, None, row.quantity])
        for contact, agent, quantity in found.contacts if found.contacts_total else []:
            basis.append([line.position, agent, None, contact, quantity])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _money(value: Decimal) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def statement_document(statement: Statement) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"{statement.contract.partner} {statement.month:%Y-%m}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _("Monthly statement"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    rows = [
        (_("Partner"), str(statement.contract.partner)),
        (_("Contract"), f"{statement.contract.reference} v{statement.version.number}"),
        (_("Month"), f"{statement.month:%Y-%m}"),
        (_("State"), str(statement.get_state_display())),
        (_("Revision"), str(statement.revision)),
    ]
    for name, value in rows:
        pdf.cell(40, 6, name)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (28, 62, 30, 22, 22, 26)
    pdf.set_font("Helvetica", "B", 9)
    for width, title in zip(
        widths,
        [_("Activity"), _("Pricing unit"), _("Label"), _("Quantity"), _("Unit price"), _("Amount")],
        strict=True,
    ):
        pdf.cell(width, 7, title, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in selectors.statement_lines(statement):
        unit = unit_label(line.unit) + (f" ({line.adjusts})" if line.adjusts else "")
        cells = [
            line.activity,
            unit,
            line_wording(line.label),
            f"{line.quantity.normalize():f}",
            _money(line.unit_price),
            _money(line.amount),
        ]
        for index, (width, value) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(width, 6, value[:48], align="R" if index >= 3 else "L")
        pdf.ln()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(sum(widths[:-1]), 8, f"{_('Total')} ({statement.currency})", border="T", align="R")
    pdf.cell(widths[-1], 8, _money(statement.total), border="T", align="R")
    return bytes(pdf.output())


def _download(request: HttpRequest, statement_id: int, kind: str) -> HttpResponse:
    if not access.may_see_statements(request.user):
        return _refused(request)
    statement = selectors.statement_get(viewer=request.user, statement_id=statement_id)
    name = f"statement-{statement.contract.reference}-{statement.month:%Y-%m}.{kind}"
    if kind == "xlsx":
        body, content_type = statement_workbook(statement), XLSX
    else:
        body, content_type = statement_document(statement), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def statement_xlsx(request: HttpRequest, statement_id: int) -> HttpResponse:
    return _download(request, statement_id, "xlsx")


@login_required
@require_GET
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    return _download(request, statement_id, "pdf")
