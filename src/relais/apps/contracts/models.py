"""Partner contracts, their versions, monthly statements, their lines and disputes.

A contract version holds its terms as JSON (read through `relais.core.contracts.terms`); a
month is billed under the version valid on its first day. A statement's lines keep the
agent-hours, intervals or contacts behind them (`StatementBasis`, and the packed contact ids
of a contact line), so an issued statement can be checked long after the log moved on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Partner


class Contract(models.Model):
    partner = models.OneToOneField(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="contract"
    )
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["partner__name"]

    def __str__(self) -> str:
        return self.reference


class ContractVersion(models.Model):
    """The terms from `valid_from` until the next version's date (an amendment)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    terms = models.JSONField(_("terms"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["contract", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_number"),
            models.UniqueConstraint(
                fields=["contract", "valid_from"], name="contract_version_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number}"

    @property
    def currency(self) -> str:
        return str(self.terms.get("currency", ""))


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    DISPUTED = "disputed", _("Disputed")
    AGREED = "agreed", _("Agreed")


class Statement(models.Model):
    """One partner's month. `revision` counts the drafts whose lines changed."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="statements"
    )
    version = models.ForeignKey(
        ContractVersion,
        verbose_name=_("contract version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"))
    state = models.CharField(
        _("state"), max_length=16, choices=StatementState.choices, default=StatementState.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2)
    digest = models.CharField(_("digest"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"))
    as_of = models.DateTimeField(_("log read up to"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-month", "contract__partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="one_statement_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.month:%Y-%m}"

    @property
    def partner_id(self) -> int:
        return self.contract.partner_id


class StatementLine(models.Model):
    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"))
    activity = models.CharField(_("activity"), max_length=60)
    unit = models.CharField(_("pricing unit"), max_length=32)
    label = models.CharField(_("label"), max_length=120, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    adjusts = models.CharField(_("adjusts month"), max_length=7, blank=True)
    #: (contact id, agent id, quantity) of a contact line's contacts, packed (see `storage.pack`).
    contacts = models.BinaryField(_("contacts"), default=b"", blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "position"], name="statement_line_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement} #{self.position}"


class StatementBasis(models.Model):
    """An agent's hours or contacts, or one interval or day, behind a line."""

    line = models.ForeignKey(
        StatementLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="basis"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    agent_id = models.BigIntegerField(_("agent"), null=True, blank=True)
    interval_start = models.DateTimeField(_("interval start"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement basis")
        verbose_name_plural = _("statement basis")

    def __str__(self) -> str:
        return f"{self.line} {self.quantity}"


class DisputeState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Dispute(models.Model):
    """A partner's objection to one line; an accepted one credits `amount` next month."""

    line = models.ForeignKey(
        StatementLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="disputes"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=DisputeState.choices, default=DisputeState.OPEN
    )
    comment = models.TextField(_("comment"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))
    amount = models.DecimalField(
        _("amount credited"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    settled_on = models.ForeignKey(
        Statement,
        verbose_name=_("settled on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements",
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["opened_at"]

    def __str__(self) -> str:
        return f"{self.line} ({self.state})"


class DisputeAttachment(models.Model):
    """A file given with a dispute, stored under the data directory, never the web root."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_as = models.CharField(_("stored as"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("dispute attachment")
        verbose_name_plural = _("dispute attachments")

    def __str__(self) -> str:
        return self.name
