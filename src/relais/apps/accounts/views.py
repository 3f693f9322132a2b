"""Sign-in pages: the login form (with single sign-on when configured), the second factor
(verification, enrolment, recovery codes), the security page, the password change, and the
language switcher."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login
from django_otp import verify_token

from relais.apps.accounts import services, two_factor
from relais.apps.accounts.auth import request_user
from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.forms import CodeForm
from relais.apps.accounts.models import User
from relais.apps.accounts.permissions import two_factor_required
from relais.apps.accounts.services import user_language_update
from relais.apps.errors import RelaisError


class LoginView(auth_views.LoginView):
    """Django's login form (throttled by django-axes), with the single sign-on button when set."""

    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs), "sso_enabled": settings.OIDC_ENABLED}


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code of the authenticator app, or a recovery code."""
    user = request.user
    if two_factor.session_verified(request):
        return redirect(_next_url(request))
    device = two_factor.totp_device_confirmed(user)
    if device is None:
        enrol = reverse("accounts:two_factor_enrol")
        return redirect(f"{enrol}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # six digits: the app's code; anything else: a recovery code, eight letters and digits
        # (each device counts its own failures, and slows down after them)
        from_app = code.isdigit() and len(code) == device.digits
        chosen = device if from_app else two_factor.recovery_device(user)
        code = code if from_app else code.lower()
        verified = None if chosen is None else verify_token(user, chosen.persistent_id, code)
        if verified is not None:
            otp_login(request, verified)
            return redirect(_next_url(request))
        form.add_error("code", RelaisError(ErrorCode.TWO_FACTOR_CODE_INVALID).message)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/two_factor.html", context)


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """A new authenticator: its QR code and key, confirmed by its first code; then the recovery
    codes, shown once. A person who already has one replaces it only from a verified session."""
    user = request_user(request)  # login_required
    if two_factor.totp_device_confirmed(user) and not two_factor.session_verified(request):
        return redirect(reverse("accounts:two_factor"))
    device = two_factor.totp_device_pending(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = services.totp_enrol_confirm(
                actor=user, device=device, code=form.cleaned_data["code"]
            )
        except RelaisError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            shown = {"codes": codes, "next": _next_url(request)}
            return render(request, "accounts/recovery_codes.html", shown)
    if device is None:
        device = services.totp_enrol_start(actor=user)
    context: dict[str, object] = {
        "form": form,
        "next": _next_url(request),
        "qr_code": two_factor.qr_code_svg(device),
        "manual_key": two_factor.manual_key(device),
        "required": two_factor_required(user),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The person's sign-in: their second factor, recovery codes left, their password."""
    user = request.user
    context = {
        "device": two_factor.totp_device_confirmed(user),
        "required": two_factor_required(user),
        "recovery_codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/security.html", context)


@require_POST
@login_required
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = request_user(request)  # login_required
    if two_factor.totp_device_confirmed(user) is None:
        return redirect(reverse("accounts:two_factor_enrol"))
    codes = services.recovery_codes_regenerate(actor=user)
    context = {"codes": codes, "next": reverse("accounts:security")}
    return render(request, "accounts/recovery_codes.html", context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """A new password, under the password rules; the person's API tokens die with the old one,
    this session stays signed in."""
    user = request_user(request)  # login_required
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_change(
            actor=user, user=user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        return render(request, "accounts/password_changed.html")
    return render(request, "accounts/password_change.html", {"form": form})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """django-axes's answer once a username is locked out on this address (HTTP 429)."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(1, round(cooloff.total_seconds() / 60)),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


def alive(request: HttpRequest) -> HttpResponse:
    """Asked by an open agent desktop every few minutes: the session is in use (idle timeout)."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)


def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: sets the cookie and, for a signed-in person, their preference."""
    language = request.POST.get("language", "")
    if request.method == "POST" and isinstance(request.user, User) and language in {"fr", "en"}:
        user_language_update(actor=request.user, user=request.user, language=language)
    return django_set_language(request)
