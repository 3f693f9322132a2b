"""Writes of contracts and statements; each audited in its own transaction.

- `contract_version_add`: an amendment from a date (terms checked first);
- `statement_compute`: the month's lines from the log, under the version valid on its first
  day, plus adjustment lines (what the previous month's statement now gives, less what was
  billed for it, and the disputes accepted since). Idempotent: a draft whose lines come out
  the same is left as it is; one whose lines change gets a new revision. An issued
  statement is never computed again;
- `statement_issue`, `statement_agree`: draft → issued → agreed (→ disputed by a dispute);
- `dispute_open` (the partner's manager, on an issued statement of their partner) and
  `dispute_decide` (a director: accepted with the amount to credit next month, or rejected).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.contracts import access
from relais.apps.contracts.attachments import attachment_store
from relais.apps.contracts.errors import ErrorCode
from relais.apps.contracts.inputs import month_bounds, month_inputs, month_start, previous_month
from relais.apps.contracts.models import (
    Contract,
    ContractVersion,
    Dispute,
    DisputeState,
    Statement,
    StatementLine,
    StatementState,
)
from relais.apps.contracts.queries import month_reading
from relais.apps.contracts.storage import lines_write, statement_lines_read
from relais.apps.errors import RelaisError
from relais.core.contracts.evaluation import statement_lines
from relais.core.contracts.lines import (
    BasisItem,
    Line,
    Unit,
    adjustments,
    checked_total,
    lines_digest,
    lines_total,
    money,
)
from relais.core.contracts.terms import ContractTerms, TermsError, terms_from_dict

FROZEN_STATES = (StatementState.ISSUED, StatementState.DISPUTED, StatementState.AGREED)


def _require_billing(actor: Any) -> None:
    if not access.may_bill(actor):
        raise RelaisError(ErrorCode.NOT_ALLOWED)


def terms_of(version: ContractVersion) -> ContractTerms:
    try:
        return terms_from_dict(version.terms)
    except TermsError as error:
        raise RelaisError(ErrorCode.BAD_TERMS, problem=str(error)) from error


def contract_version_add(
    *, actor: Any, contract: Contract, valid_from: date, terms: dict[str, Any]
) -> ContractVersion:
    _require_billing(actor)
    try:
        terms_from_dict(terms)
    except TermsError as error:
        raise RelaisError(ErrorCode.BAD_TERMS, problem=str(error)) from error
    with transaction.atomic():
        number = contract.versions.count() + 1
        version = ContractVersion.objects.create(
            contract=contract,
            number=number,
            valid_from=valid_from,
            terms=terms,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="contracts.version_added",
            obj=version,
            changes={"valid_from": valid_from.isoformat(), "number": number},
        )
    return version


def version_for_month(contract: Contract, month: date) -> ContractVersion:
    version = contract.versions.filter(valid_from__lte=month).order_by("-valid_from").first()
    if version is None:
        raise RelaisError(ErrorCode.NO_CONTRACT_VERSION, month=f"{month:%Y-%m}")
    return version


def month_lines(
    contract: Contract, month: date, as_of: datetime
) -> tuple[ContractVersion, list[Line]]:
    """The month's own lines (no adjustment), as the log stands at `as_of`."""
    version = version_for_month(contract, month)
    terms = terms_of(version)
    with month_reading():
        inputs = month_inputs(contract=contract, terms=terms, month=month, as_of=as_of)
        return version, statement_lines(terms, inputs)


def _billed_for(contract: Contract, month: date, *, besides: Statement | None) -> list[Line] | None:
    """What was billed for `month`: its statement's own lines and the adjustments of it
    carried by later frozen statements; None when the month's statement is not issued."""
    statement = Statement.objects.filter(
        contract=contract, month=month, state__in=FROZEN_STATES
    ).first()
    if statement is None:
        return None
    billed = [line for line in statement_lines_read(statement) if not line.adjusts]
    later = Statement.objects.filter(contract=contract, month__gt=month)
    if besides is not None:
        later = later.exclude(pk=besides.pk)
    for other in later:
        billed += [
            line
            for line in statement_lines_read(other)
            if line.adjusts == f"{month:%Y-%m}" and line.unit != Unit.DISPUTE_SETTLED
        ]
    return billed


def _settlement_lines(contract: Contract, statement: Statement | None) -> list[Line]:
    """Accepted disputes not yet settled on another statement."""
    unsettled = Q(settled_on__isnull=True)
    if statement is not None:
        unsettled |= Q(settled_on=statement)
    accepted = Dispute.objects.filter(
        unsettled, line__statement__contract=contract, state=DisputeState.ACCEPTED
    )
    lines = []
    for dispute in accepted.select_related("line__statement").order_by("pk"):
        amount = money(dispute.amount or Decimal(0))
        lines.append(
            Line(
                activity=dispute.line.activity,
                unit=Unit.DISPUTE_SETTLED,
                label=f"#{dispute.pk}",
                quantity=Decimal(1),
                unit_price=amount,
                amount=amount,
                basis=(BasisItem(Decimal(1)),),
                adjusts=f"{dispute.line.statement.month:%Y-%m}",
            )
        )
    return lines


def statement_compute(
    *, actor: Any, contract: Contract, month: date, as_of: datetime | None = None
) -> Statement:
    """The month's draft statement, computed again from the log (see the module)."""
    _require_billing(actor)
    month = month_start(month)
    now = timezone.now()
    as_of = as_of or now
    if month_bounds(month)[1] > as_of:
        raise RelaisError(ErrorCode.MONTH_NOT_OVER)
    existing = Statement.objects.filter(contract=contract, month=month).first()
    if existing is not None and existing.state != StatementState.DRAFT:
        raise RelaisError(ErrorCode.STATEMENT_FROZEN)
    version, lines = month_lines(contract, month, as_of)
    earlier = previous_month(month)
    billed = _billed_for(contract, earlier, besides=existing)
    if billed is not None:
        _, now_given = month_lines(contract, earlier, as_of)
        lines += adjustments(billed, now_given, month=f"{earlier:%Y-%m}")
    lines += _settlement_lines(contract, existing)
    digest = lines_digest(lines)
    total = lines_total(lines)
    with transaction.atomic():
        if existing is not None and existing.digest == digest and existing.version_id == version.pk:
            return existing
        if existing is None:
            statement = Statement.objects.create(
                contract=contract,
                version=version,
                month=month,
                currency=terms_of(version).currency,
                total=total,
                digest=digest,
                computed_at=now,
                as_of=as_of,
            )
        else:
            statement = Statement.objects.select_for_update().get(pk=existing.pk)
            if statement.state != StatementState.DRAFT:
                raise RelaisError(ErrorCode.STATEMENT_FROZEN)
            statement.lines.all().delete()
            statement.version = version
            statement.revision += 1
            statement.currency = terms_of(version).currency
            statement.total, statement.digest = total, digest
            statement.computed_at, statement.as_of = now, as_of
            statement.save()
        lines_write(statement, lines)
        Dispute.objects.filter(
            line__statement__contract=contract,
            state=DisputeState.ACCEPTED,
            settled_on__isnull=True,
        ).update(settled_on=statement)
        checked_total(lines, statement.total)
        audit_record(
            actor=actor,
            action="contracts.statement_computed",
            obj=statement,
            changes={
                "month": f"{month:%Y-%m}",
                "revision": statement.revision,
                "total": str(total),
            },
        )
    return statement


def _transition(
    actor: Any, statement: Statement, allowed: tuple[str, ...], to: str, action: str
) -> Statement:
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.state not in allowed:
            raise RelaisError(ErrorCode.WRONG_STATE, state=locked.get_state_display())
        before = locked.state
        locked.state = to
        stamp = timezone.now()
        if to == StatementState.ISSUED:
            locked.issued_at = stamp
        if to == StatementState.AGREED:
            locked.agreed_at = stamp
        locked.save(update_fields=["state", "issued_at", "agreed_at"])
        audit_record(actor=actor, action=action, obj=locked, changes={"state": [before, to]})
    return locked


def statement_issue(*, actor: Any, statement: Statement) -> Statement:
    _require_billing(actor)
    checked_total(statement_lines_read(statement), statement.total)
    return _transition(
        actor,
        statement,
        (StatementState.DRAFT,),
        StatementState.ISSUED,
        "contracts.statement_issued",
    )


def statement_agree(*, actor: Any, statement: Statement) -> Statement:
    """The partner's manager (or a director) agrees an issued statement with no open dispute."""
    if not (access.may_dispute(actor, statement) or access.may_bill(actor)):
        raise RelaisError(ErrorCode.NOT_ALLOWED)
    return _transition(
        actor,
        statement,
        (StatementState.ISSUED,),
        StatementState.AGREED,
        "contracts.statement_agreed",
    )


def dispute_open(
    *, actor: Any, line: StatementLine, comment: str, files: list[Any] | tuple[Any, ...] = ()
) -> Dispute:
    statement = line.statement
    if not access.may_dispute(actor, statement):
        raise RelaisError(ErrorCode.NOT_ALLOWED)
    comment = comment.strip()
    if not comment:
        raise RelaisError(ErrorCode.COMMENT_REQUIRED)
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.state not in (StatementState.ISSUED, StatementState.DISPUTED):
            raise RelaisError(ErrorCode.WRONG_STATE, state=locked.get_state_display())
        dispute = Dispute.objects.create(
            line=line, comment=comment[:4000], opened_by=actor, opened_at=timezone.now()
        )
        stored = [attachment_store(dispute=dispute, upload=upload, actor=actor) for upload in files]
        if locked.state != StatementState.DISPUTED:
            locked.state = StatementState.DISPUTED
            locked.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="contracts.dispute_opened",
            obj=dispute,
            changes={
                "line": line.pk,
                "statement": statement.pk,
                "attachments": [a.name for a in stored],
            },
        )
    return dispute


def _amount(raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except (InvalidOperation, AttributeError) as error:
        raise RelaisError(ErrorCode.BAD_AMOUNT) from error
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise RelaisError(ErrorCode.BAD_AMOUNT)
    return money(value)


def dispute_decide(
    *, actor: Any, dispute: Dispute, accept: bool, amount: str = "0", decision: str = ""
) -> Dispute:
    """Accepted: `amount` (negative credits the partner... positive pays more) goes on the
    next month's statement as a settlement line. The statement is agreed once no dispute of
    it is open."""
    _require_billing(actor)
    credit = _amount(amount) if accept else None
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.state != DisputeState.OPEN:
            raise RelaisError(ErrorCode.WRONG_STATE, state=locked.get_state_display())
        locked.state = DisputeState.ACCEPTED if accept else DisputeState.REJECTED
        locked.amount = credit
        locked.decision = decision.strip()[:4000]
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        statement = Statement.objects.select_for_update().get(pk=locked.line.statement_id)
        if not Dispute.objects.filter(line__statement=statement, state=DisputeState.OPEN).exists():
            statement.state = StatementState.AGREED
            statement.agreed_at = locked.decided_at
            statement.save(update_fields=["state", "agreed_at"])
        audit_record(
            actor=actor,
            action="contracts.dispute_decided",
            obj=locked,
            changes={"state": locked.state, "amount": None if credit is None else str(credit)},
        )
    return locked
