from django.urls import path

from relais.apps.chat import views

app_name = "demo"

urlpatterns = [path("boutique/", views.boutique, name="boutique")]
