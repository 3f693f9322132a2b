from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language as django_set_language

from relais.apps.accounts.models import User
from relais.apps.accounts.services import user_language_update


def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: sets the cookie and, for a signed-in person, their preference."""
    language = request.POST.get("language", "")
    if request.method == "POST" and isinstance(request.user, User) and language in {"fr", "en"}:
        user_language_update(actor=request.user, user=request.user, language=language)
    return django_set_language(request)
