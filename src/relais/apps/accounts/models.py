"""Users, their role in the contact centre, and API tokens for integrations."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """A person's role; its label is the short title shown beside their name (context "role"
    in the catalogue: French uses the function, "Direction", "Supervision", docs/i18n.md)."""

    ADMINISTRATOR = "administrator", pgettext_lazy("role", "Administrator")
    DIRECTOR = "director", pgettext_lazy("role", "Director")
    SUPERVISOR = "supervisor", pgettext_lazy("role", "Supervisor")
    AGENT = "agent", pgettext_lazy("role", "Agent")
    PARTNER_MANAGER = "partner_manager", pgettext_lazy("role", "Partner manager")
    PLANNER = "planner", pgettext_lazy("role", "Planner")
    QUALITY_ANALYST = "quality_analyst", pgettext_lazy("role", "Quality analyst")
    PARTNER_EVALUATOR = "partner_evaluator", pgettext_lazy("role", "Partner evaluator")


#: Roles of a partner's staff: they belong to one partner and see only its data.
PARTNER_ROLES = frozenset({Role.PARTNER_MANAGER, Role.PARTNER_EVALUATOR})


class User(AbstractUser):
    """A person who logs in to Relais; what they may see follows from `role`."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.AGENT)
    partner = models.ForeignKey(
        "organisation.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("For partner managers and evaluators: the outsourcer whose data they may see."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["partner_manager", "partner_evaluator"])
                | models.Q(partner__isnull=False),
                name="partner_staff_has_partner",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_fingerprint(user: User) -> str:
    """A digest of the user's password hash: it changes whenever the password does, whatever
    the path (the admin, the password change page, `relais changepassword`, a reset)."""
    return hashlib.sha256(user.password.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What a token may do: `read` (GET), `write` (POST, PUT, PATCH, DELETE). A token never
    creates tokens, whatever its scopes (docs/security.md)."""

    READ = "read", _("Read")
    WRITE = "write", _("Write")


#: A token lives this many days unless its creator chooses; never longer than the maximum.
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


class RevokedReason(models.TextChoices):
    BY_PERSON = "revoked", _("Revoked by a person")
    PASSWORD_CHANGED = "password_changed", _("Password changed")


class ApiToken(models.Model):
    """A bearer token for an integration, acting as its user; only its hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    password_fingerprint = models.CharField(max_length=64, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("why revoked"), max_length=32, blank=True, choices=RevokedReason.choices
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return "rls_" + secrets.token_urlsafe(32)
