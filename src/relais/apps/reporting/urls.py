from django.urls import path

from relais.apps.reporting import selfservice, views

app_name = "reporting"

urlpatterns = [
    path("", views.reports, name="reports"),
    path("export.<str:kind>", views.export, name="export"),
    path("self-service/", selfservice.deflection, name="deflection"),
]
