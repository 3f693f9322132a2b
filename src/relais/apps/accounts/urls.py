from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from relais.apps.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_verify, name="two_factor"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "two-factor/recovery-codes/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("alive/", views.alive, name="alive"),
]

if settings.OIDC_ENABLED:  # single sign-on (docs/security.md)
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
