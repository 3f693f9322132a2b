from django.urls import path

from relais.apps.email import views

app_name = "email"

urlpatterns = [
    path("contacts/<int:contact_id>/thread", views.thread, name="thread"),
    path("contacts/<int:contact_id>/reply", views.reply, name="reply"),
    path(
        "contacts/<int:contact_id>/attachments/<int:attachment_id>",
        views.attachment,
        name="attachment",
    ),
]
