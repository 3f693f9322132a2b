from django.urls import path

from relais.apps.crisis import views

app_name = "crisis"

urlpatterns = [
    path("", views.crisis_index, name="index"),
    path("<int:mode_id>/switch", views.crisis_switch, name="switch"),
]
