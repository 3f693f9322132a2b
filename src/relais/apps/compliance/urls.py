from django.urls import path

from relais.apps.compliance import views

app_name = "compliance"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify", views.audit_verify, name="audit_verify"),
    path("customer/", views.customer, name="customer"),
    path("retention/", views.retention, name="retention"),
]
