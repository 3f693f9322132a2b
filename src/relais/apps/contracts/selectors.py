"""Reads of contracts and statements, scoped to the viewer (`access`).

A statement the viewer may not see is "not found" (404), so that a partner manager cannot
tell whether another partner's statement exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from relais.apps.contracts import access
from relais.apps.contracts.models import (
    Contract,
    Dispute,
    DisputeAttachment,
    Statement,
    StatementBasis,
    StatementLine,
    StatementState,
)
from relais.apps.contracts.storage import unpack

CONTACTS_SHOWN = 500


def statement_list(*, viewer: Any) -> QuerySet[Statement]:
    statements = Statement.objects.select_related("contract__partner", "version")
    if access.may_bill(viewer):
        return statements
    if access.is_partner_manager(viewer):
        return statements.filter(contract__partner_id=viewer.partner_id).exclude(
            state=StatementState.DRAFT
        )
    return statements.none()


def contract_list(*, viewer: Any) -> QuerySet[Contract]:
    if not access.may_bill(viewer):
        return Contract.objects.none()
    return Contract.objects.select_related("partner").prefetch_related("versions")


def statement_get(*, viewer: Any, statement_id: int) -> Statement:
    statement = statement_list(viewer=viewer).filter(pk=statement_id).first()
    if statement is None:
        raise Http404
    return statement


def line_get(*, viewer: Any, line_id: int) -> StatementLine:
    line = StatementLine.objects.select_related("statement__contract").filter(pk=line_id).first()
    if line is None or not access.may_see(viewer, line.statement):
        raise Http404
    return line


def dispute_get(*, viewer: Any, dispute_id: int) -> Dispute:
    dispute = (
        Dispute.objects.select_related("line__statement__contract").filter(pk=dispute_id).first()
    )
    if dispute is None or not access.may_see(viewer, dispute.line.statement):
        raise Http404
    return dispute


def attachment_get(*, viewer: Any, attachment_id: int) -> DisputeAttachment:
    attachment = (
        DisputeAttachment.objects.select_related("dispute__line__statement__contract")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not access.may_see(viewer, attachment.dispute.line.statement):
        raise Http404
    return attachment


def statement_lines(statement: Statement) -> list[StatementLine]:
    return list(statement.lines.prefetch_related("disputes__attachments").order_by("position"))


@dataclass(frozen=True, slots=True)
class LineBasis:
    """What a line stands on: per agent or interval rows, and its first contacts."""

    rows: list[StatementBasis]
    contacts: list[tuple[int, int | None, int]]
    contacts_total: int
    quantity: Decimal


def line_basis(line: StatementLine) -> LineBasis:
    contacts = list(unpack(line.contacts))
    rows = list(line.basis.order_by("interval_start", "agent_id", "pk"))
    return LineBasis(
        rows=rows,
        contacts=contacts[:CONTACTS_SHOWN],
        contacts_total=len(contacts),
        quantity=line.quantity,
    )
