from django.urls import path

from relais.apps.desktop import softphone, views

app_name = "desktop"

urlpatterns = [
    path("", views.desktop, name="desktop"),
    path("summary", views.summary, name="summary"),
    path("softphone", softphone.softphone, name="softphone"),
    path(
        "contacts/<int:contact_id>/previous/<int:previous_id>",
        views.transcript,
        name="transcript",
    ),
    path("broadcasts/<int:broadcast_id>/read", views.broadcast_read, name="broadcast_read"),
    path("help/", views.help_inbox, name="help_inbox"),
    path("help/<int:thread_id>/reply", views.help_reply, name="help_reply"),
]
