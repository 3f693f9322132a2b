"""Writes of privacy: a site's or a partner's masking policy, and revealing a masked field;
each recorded in the audit log (the admin's writes through `AuditedModelAdmin`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Partner, Site
from relais.apps.privacy.errors import ErrorCode, pattern_problem
from relais.apps.privacy.models import MaskingPolicy
from relais.core.privacy import PatternError, compile_patterns, parse_patterns

#: The fields a viewer may reveal, one at a time.
UNMASKABLE = ("name", "email", "phone", "address")


def unmask_record(*, actor: Any, contact: Any, field: str, reason: str) -> None:
    """Record that `actor` revealed `field` of `contact` (who, which contact, which field,
    why), inside the caller's transaction; a reason is required. The caller has checked
    `selectors.may_unmask`."""
    reason = reason.strip()
    if not reason:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    audit_record(
        actor=actor, action="contact.unmask", obj=contact, changes={"field": field}, reason=reason
    )


POLICY_FIELDS = ("mask_surname", "mask_email", "mask_phone", "mask_address", "patterns")


def masking_policy_set(
    *,
    actor: Any,
    site: Site | None = None,
    partner: Partner | None = None,
    fields: dict[str, Any],
) -> MaskingPolicy:
    """Write the masking policy of one site or one partner (created if none), audited;
    fields left out keep their value (a new policy's: masked). Refused: a pattern RE2
    cannot run or too many, too long."""
    if (site is None) == (partner is None):
        raise RelaisError(ErrorCode.SITE_OR_PARTNER)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields: {sorted(unknown)}")
    if "patterns" in fields:
        try:
            compile_patterns(parse_patterns(fields["patterns"]))
        except PatternError as refused:
            raise RelaisError(
                ErrorCode.INVALID_PATTERN, problem=pattern_problem(refused)
            ) from refused
    with transaction.atomic():
        owner = {"site": site} if site is not None else {"partner": partner}
        policy = MaskingPolicy.objects.select_for_update().filter(**owner).first()
        created = policy is None
        if policy is None:
            policy = MaskingPolicy(**owner)
        changes = {k: v for k, v in fields.items() if created or getattr(policy, k) != v}
        if not changes and not created:
            return policy
        for name, value in changes.items():
            setattr(policy, name, value)
        policy.save()
        audit_record(
            actor=actor,
            action="masking_policy.create" if created else "masking_policy.update",
            obj=policy,
            changes=changes,
        )
    return policy
