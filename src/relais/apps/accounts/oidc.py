"""Single sign-on with OpenID Connect (mozilla-django-oidc), when RELAIS_OIDC_* are set.

The identity provider says who signs in; Relais decides what they may do. A claim
(RELAIS_OIDC_CLAIM, `email` by default) names an existing, active person by one field
(RELAIS_OIDC_USER_FIELD: `email` or `username`). Nobody is created and no role changes by a
sign-on; a person whose role needs a second factor still gives Relais's (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from relais.apps.accounts.models import User

#: The person fields a claim may name someone by; both are unique to one person in practice
#: (several people with one e-mail address: nobody signs in).
USER_FIELDS = {"email": "email__iexact", "username": "username"}


def people_for_claims(claims: dict[str, Any]) -> QuerySet[User]:
    """The active people the identity provider's claims name (one, or none to refuse)."""
    lookup = USER_FIELDS.get(settings.OIDC_USER_FIELD)
    if lookup is None:
        raise ImproperlyConfigured("RELAIS_OIDC_USER_FIELD must be `email` or `username`")
    value = claims.get(settings.OIDC_CLAIM)
    if not isinstance(value, str) or not value.strip():
        return User.objects.none()
    return User.objects.filter(is_active=True, **{lookup: value.strip()})


class ExistingPersonBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped library
    """mozilla-django-oidc's backend, mapping a claim to an existing person, creating nobody."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get(settings.OIDC_CLAIM))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return people_for_claims(claims)

    def create_user(self, claims: dict[str, Any]) -> User:
        raise PermissionDenied("single sign-on never creates a person")

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user  # the role and names are Relais's, never the identity provider's
