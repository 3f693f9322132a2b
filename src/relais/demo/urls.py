from django.urls import path

from relais.demo import views

app_name = "demo"

urlpatterns = [
    path("boutique/", views.boutique, name="boutique"),
    path("crm/customers/<str:customer_id>/", views.crm_customer, name="crm_customer"),
]
