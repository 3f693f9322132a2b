from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from relais.apps.organisation import views as organisation_views
from relais.config.api import api

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("accounts/", include("relais.apps.accounts.urls")),
    path("organisation/", include("relais.apps.organisation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/v1/docs", RedirectView.as_view(url="/api/docs", permanent=False)),
]
