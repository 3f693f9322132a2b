from django.urls import path

from relais.apps.sourcing import views

app_name = "sourcing"

urlpatterns = [
    path("", views.compare, name="compare"),
    path("reported/", views.reported, name="reported"),
]
