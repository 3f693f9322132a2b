from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from relais.apps.accounts import views as accounts_views
from relais.config.api import api
from relais.config.homes import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("relais.apps.operations.urls")),
    path("accounts/", include("relais.apps.accounts.urls")),
    path("organisation/", include("relais.apps.organisation.urls")),
    path("planning/", include("relais.apps.wfm.urls")),
    path("simulation/", include("relais.apps.simulation.urls")),
    path("supervision/", include("relais.apps.supervision.urls")),
    path("briefings/", include("relais.apps.briefings.urls")),
    path("crisis/", include("relais.apps.crisis.urls")),
    path("statements/", include("relais.apps.contracts.urls")),
    path("reports/", include("relais.apps.reporting.urls")),
    path("satisfaction/", include("relais.apps.satisfaction.urls")),
    path("sourcing/", include("relais.apps.sourcing.urls")),
    path("quality/", include("relais.apps.quality.urls")),
    path("knowledge/", include("relais.apps.knowledge.urls")),
    path("help/", include("relais.apps.knowledge.help_urls")),
    path("compliance/", include("relais.apps.compliance.urls")),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("chat/", include("relais.apps.chat.urls")),
    path("desktop/", include("relais.apps.desktop.urls")),
    path("email/", include("relais.apps.email.urls")),
    path("demo/", include("relais.demo.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/v1/docs", RedirectView.as_view(url="/api/docs", permanent=False)),
]
