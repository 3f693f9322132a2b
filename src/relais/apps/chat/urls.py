from django.urls import path

from relais.apps.chat import views

app_name = "chat"

urlpatterns = [
    path("config", views.config, name="config"),
    path("start", views.start, name="start"),
    path("leave-message", views.leave_message, name="leave_message"),
    path("callback", views.callback, name="callback"),
]
