from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.chat.models import CannedResponse, ChatTopic


@admin.register(ChatTopic)
class ChatTopicAdmin(AuditedModelAdmin):
    list_display = ["code", "label_fr", "label_en", "queue", "order", "active"]


@admin.register(CannedResponse)
class CannedResponseAdmin(AuditedModelAdmin):
    list_display = ["title", "queue", "language", "active"]
    list_filter = ["language", "queue", "active"]
