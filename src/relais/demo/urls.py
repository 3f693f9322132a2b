from django.urls import path

from relais.demo import views

app_name = "demo"

urlpatterns = [path("boutique/", views.boutique, name="boutique")]
