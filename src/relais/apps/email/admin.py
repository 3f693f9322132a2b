from django.contrib import admin

from relais.apps.email.models import Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("address", "queue", "display_name", "active")
    list_filter = ("active",)
