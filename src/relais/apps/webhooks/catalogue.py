"""The webhook events a subscription may choose, and the log's lines each comes from
(docs/integrations.md, "Webhooks")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.interactions.models import EventKind


class WebhookEvent(models.TextChoices):
    CONTACT_CREATED = "contact.created", _("Contact created")
    CONTACT_OFFERED = "contact.offered", _("Contact offered to an agent")
    CONTACT_ANSWERED = "contact.answered", _("Contact answered")
    CONTACT_WRAPPED_UP = "contact.wrapped_up", _("Contact wrapped up (with its reason)")
    CONTACT_ABANDONED = "contact.abandoned", _("Contact abandoned")
    # emitted by the satisfaction surveys (quality), which append it to the log
    SURVEY_ANSWERED = "survey.answered", _("Survey answered")


#: The event log's kind behind each webhook event.
FROM_LOG: dict[str, WebhookEvent] = {
    EventKind.CONTACT_CREATED: WebhookEvent.CONTACT_CREATED,
    EventKind.OFFER_MADE: WebhookEvent.CONTACT_OFFERED,
    EventKind.OFFER_ACCEPTED: WebhookEvent.CONTACT_ANSWERED,
    EventKind.CONTACT_WRAPPED_UP: WebhookEvent.CONTACT_WRAPPED_UP,
    EventKind.CONTACT_ABANDONED: WebhookEvent.CONTACT_ABANDONED,
    WebhookEvent.SURVEY_ANSWERED.value: WebhookEvent.SURVEY_ANSWERED,
}
