from django.urls import path

from relais.apps.desktop import views

app_name = "desktop"

urlpatterns = [
    path("", views.desktop, name="desktop"),
    path("help/", views.help_inbox, name="help_inbox"),
    path("help/<int:thread_id>/reply", views.help_reply, name="help_reply"),
]
