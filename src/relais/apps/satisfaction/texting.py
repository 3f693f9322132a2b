"""The survey of a phone call goes by SMS: once the call has ended, a caller on a mobile number
gets the signed link by text message, in the survey's language, through the operator's SMS
gateway (an HTTP API: `RELAIS_SMS_URL`, `RELAIS_SMS_TOKEN`, `RELAIS_SMS_SENDER`;
docs/satisfaction.md, "Surveys by SMS"). Without a gateway configured, nothing is sent and no
invitation is made.

A gateway that fails (down, refusing) loses nothing: the invitation is withdrawn and the next turn
of the survey mailer tries again, as long as the call ended less than a day ago."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relais.apps.audit.services import audit_record
from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Channel
from relais.apps.satisfaction.models import Delivery, SurveyInvitation
from relais.apps.satisfaction.selectors import survey_url
from relais.apps.satisfaction.services import ENDED_STATES, survey_invite

log = logging.getLogger(__name__)

#: Numbers that receive text messages: French mobiles (06, 07) and those the setting adds.
MOBILE_PREFIXES = ("tel:+336", "tel:+337")


def mobile_number(customer_key: str) -> str:
    """The caller's number in E.164 when it is a mobile that takes text messages, else blank."""
    extra = tuple(f"tel:{prefix.strip()}" for prefix in settings.SMS_MOBILE_PREFIXES if prefix)
    return customer_key[4:] if customer_key.startswith(MOBILE_PREFIXES + extra) else ""


def _text(invitation: SurveyInvitation) -> str:
    with translation.override(invitation.language):
        return _("Thank you for your call. Tell us in one minute how we did: %(url)s") % {
            "url": survey_url(invitation)
        }


def sms_send(*, to: str, text: str) -> str:
    """Hand one text message to the gateway; its message id, or an error (`SmsRefused`)."""
    try:
        response = httpx.post(
            settings.SMS_URL,
            json={"to": to, "from": settings.SMS_SENDER, "text": text},
            headers={"Authorization": f"Bearer {settings.SMS_TOKEN}"},
            timeout=settings.SMS_TIMEOUT_S,
            follow_redirects=False,
        )
    except httpx.HTTPError as failure:
        raise SmsRefused(f"{type(failure).__name__}: {failure}") from None
    if not 200 <= response.status_code < 300:
        raise SmsRefused(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        return str(response.json().get("id", ""))
    except ValueError:
        return ""


class SmsRefused(Exception):
    """The gateway did not take the message (unreachable, refused): nothing was sent."""


def survey_links_text(*, since: dt.datetime, now: dt.datetime | None = None) -> int:
    """Invite the callers on a mobile of the calls that ended since `since` and are not invited
    yet (the queue's policy decides: sample, quiet period), and text them the link, once; how
    many were texted. Nothing without a gateway."""
    if not settings.SMS_URL:
        return 0
    now = now or timezone.now()
    ended = (
        Contact.objects.filter(channel=Channel.VOICE, state__in=ENDED_STATES)
        .filter(customer_key__startswith="tel:")
        .exclude(agent=None)
        .filter(Q(closed_at__gte=since) | Q(wrap_up_at__gte=since))
        .exclude(pk__in=SurveyInvitation.objects.values("contact_id"))
        .order_by("pk")
    )
    texted = 0
    for contact in ended.iterator():
        number = mobile_number(contact.customer_key)
        if not number:
            continue
        invitation = survey_invite(contact=contact, delivery=Delivery.LINK, now=now)
        if invitation is None or invitation.sent_at != now:
            continue  # not surveyed, or another process invited first and texts it
        try:
            message = sms_send(to=number, text=_text(invitation))
        except SmsRefused as refused:
            log.warning("survey SMS for contact %s not sent: %s", contact.pk, refused)
            audit_record(
                actor=None,
                action="survey.withdrawn",
                obj=invitation,
                changes={"contact": contact.pk, "error": str(refused)[:200]},
            )
            invitation.delete()  # the next turn tries again
            continue
        audit_record(
            actor=None,
            action="survey.texted",
            obj=invitation,
            changes={"contact": contact.pk, "gateway_id": message},
        )
        texted += 1
    return texted
