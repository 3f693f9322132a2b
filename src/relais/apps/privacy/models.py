"""Masking policies: what a site's (or a partner's) people may not see of the customers.

A policy belongs to one site or to one partner; a site's own policy wins over its
partner's. Where neither exists, a partner's site or a home site is masked on every field
(failing closed), an inshore site of the company sees everything (docs/privacy.md).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Partner, Site
from relais.apps.privacy.errors import ErrorCode, pattern_problem
from relais.core.privacy import Masking, PatternError, compile_patterns, parse_patterns


class MaskingPolicy(models.Model):
    site = models.OneToOneField(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="masking_policy",
    )
    partner = models.OneToOneField(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="masking_policy",
    )
    mask_surname = models.BooleanField(_("show only the first name and an initial"), default=True)
    mask_email = models.BooleanField(_("mask e-mail addresses"), default=True)
    mask_phone = models.BooleanField(_("mask phone numbers"), default=True)
    mask_address = models.BooleanField(_("mask postal addresses"), default=True)
    patterns = models.TextField(
        _("patterns masked in messages"),
        blank=True,
        help_text=_(
            "One regular expression (RE2 syntax) a line, at most 20 of 200 characters. "
            "Card numbers and IBANs are always masked."
        ),
    )

    class Meta:
        verbose_name = _("masking policy")
        verbose_name_plural = _("masking policies")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(site__isnull=False, partner__isnull=True)
                    | models.Q(site__isnull=True, partner__isnull=False)
                ),
                name="masking_policy_site_or_partner",
            )
        ]

    def __str__(self) -> str:
        return str(self.site or self.partner)

    def clean(self) -> None:
        if (self.site_id is None) == (self.partner_id is None):
            raise ValidationError(str(ErrorCode.SITE_OR_PARTNER.template))
        try:
            compile_patterns(parse_patterns(self.patterns))
        except PatternError as refused:
            raise ValidationError({"patterns": pattern_problem(refused)}) from refused

    def masking(self) -> Masking:
        return Masking(
            surname=self.mask_surname,
            email=self.mask_email,
            phone=self.mask_phone,
            address=self.mask_address,
            patterns=parse_patterns(self.patterns),
        )
