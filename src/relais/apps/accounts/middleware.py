"""Per request, after authentication: the person's language, the idle timeout, and the second
factor their session still owes."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from relais.apps.accounts.two_factor import second_factor_pending

#: The session key holding when the person last used the session (seconds since the epoch).
LAST_SEEN_KEY = "relais_last_seen"
#: The last use is written at most this often (each write is a session save).
_LAST_SEEN_RESOLUTION_S = 60

Responder = Callable[[HttpRequest], HttpResponse]


class UserLanguageMiddleware:
    """After authentication: a person's saved language wins over the browser's Accept-Language."""

    def __init__(self, get_response: Responder) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if user is not None and user.is_authenticated and not chosen:
            language = getattr(user, "language", "") or settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def session_idle(session: object, now: float) -> bool:
    """Whether a session was left unused longer than RELAIS_IDLE_TIMEOUT_MIN."""
    last_seen = getattr(session, "get", lambda key: None)(LAST_SEEN_KEY)
    return last_seen is not None and now - float(last_seen) > settings.IDLE_TIMEOUT_MIN * 60


class IdleTimeoutMiddleware:
    """A session unused for RELAIS_IDLE_TIMEOUT_MIN minutes ends: the person signs in again.
    Every request counts as use (the agent desktop asks /accounts/alive/ while it is open)."""

    def __init__(self, get_response: Responder) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if session_idle(request.session, now):
                logout(request)
                minutes = round(settings.IDLE_TIMEOUT_MIN)
                messages.info(
                    request,
                    _("Your session ended after %(minutes)d minutes without use: sign in again.")
                    % {"minutes": minutes},
                )
            elif last_seen is None or now - float(last_seen) >= _LAST_SEEN_RESOLUTION_S:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


#: Pages a person who still owes the second factor may reach (accounts' URL names).
_BEFORE_SECOND_FACTOR = frozenset({"login", "logout", "two_factor", "two_factor_enrol", "alive"})


class SecondFactorMiddleware:
    """Until a person whose role needs it (or who enrolled) has given the second factor, every
    page sends them to give it (or to enrol). The API refuses such a session by itself
    (accounts.auth.VerifiedSession)."""

    def __init__(self, get_response: Responder) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._reachable_before_second_factor(request.path_info) or not second_factor_pending(
            request
        ):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:two_factor"))

    @staticmethod
    def _reachable_before_second_factor(path: str) -> bool:
        if path.startswith(("/api/", "/" + settings.STATIC_URL.lstrip("/"))):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True  # a 404 page shows nothing
        if match.url_name == "set_language":
            return True
        return match.namespace == "accounts" and match.url_name in _BEFORE_SECOND_FACTOR
