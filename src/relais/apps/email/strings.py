"""What the desktop's e-mail module (static/relais/desktop/email.js) writes, in the
agent's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def email_strings() -> dict[str, object]:
    return {
        "thread_url": reverse("email:thread", args=[0]),
        "reply_url": reverse("email:reply", args=[0]),
        "attachment_url": reverse("email:attachment", args=[0, 0]),
        "thread": _("E-mail conversation"),
        "message_from": _("From %(sender)s, %(time)s"),
        "sent_by_us": _("Our reply, %(time)s: %(state)s"),
        "retry_at": _("Next attempt at %(time)s."),
        "due": _("First response due by %(time)s"),
        "responded": _("First response given at %(time)s"),
        "reply": _("Your reply"),
        "send": _("Send the e-mail"),
        "sending": _("Sending…"),
        "sent": _("Reply saved: it leaves through the relay now."),
        "attach": _("Attachments"),
        "bold": _("Bold"),
        "italic": _("Italic"),
        "list": _("Bulleted list"),
        "link": _("Link"),
        "link_prompt": _("Address of the link (https://…)"),
        "mail_body": _("The customer's e-mail"),
        "failed": _("The reply could not be sent."),
    }
