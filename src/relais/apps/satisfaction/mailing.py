"""The survey of an e-mail contact goes by e-mail: once the conversation has ended, the
customer gets the signed link in the same thread (apps/email `mail_notice`), in the survey's
language. `survey_links_mail` is one turn over the e-mail contacts that ended recently and have
no invitation yet; `relais serve` runs it every minute (`start_survey_mailer`), with the turn that
texts the link to callers (`texting.survey_links_text`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relais.apps.email.replies import mail_notice
from relais.apps.interactions.models import Contact
from relais.apps.periodic import Periodic
from relais.apps.routing.models import Channel
from relais.apps.satisfaction.models import Delivery, SurveyInvitation
from relais.apps.satisfaction.selectors import survey_url
from relais.apps.satisfaction.services import ENDED_STATES, survey_invite
from relais.apps.satisfaction.texting import survey_links_text

#: Contacts that ended longer ago than this are not surveyed any more (a server down a while).
LOOK_BACK = dt.timedelta(hours=24)
EVERY_S = 60.0
MARGIN = dt.timedelta(minutes=5)


def _text(invitation: SurveyInvitation) -> str:
    with translation.override(invitation.language):
        return _(
            "Hello,\n\nYour request is now dealt with. Would you tell us in one minute how we "
            "did? Your answers help us improve.\n\n%(url)s\n\nThis link stays open until "
            "%(until)s.\n\nThank you."
        ) % {
            "url": survey_url(invitation),
            "until": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M"),
        }


def survey_links_mail(*, since: dt.datetime, now: dt.datetime | None = None) -> int:
    """Invite the customers of the e-mail contacts that ended since `since` and are not invited
    yet (the queue's policy decides: sample, quiet period), and mail them the link, once; how
    many were mailed."""
    now = now or timezone.now()
    ended = (
        Contact.objects.filter(channel=Channel.EMAIL, state__in=ENDED_STATES)
        .exclude(agent=None)
        .filter(Q(closed_at__gte=since) | Q(wrap_up_at__gte=since))
        .exclude(pk__in=SurveyInvitation.objects.values("contact_id"))
        .order_by("pk")
    )
    mailed = 0
    for contact in ended.iterator():
        invitation = survey_invite(contact=contact, delivery=Delivery.LINK, now=now)
        if invitation is None or invitation.sent_at != now:
            continue  # not surveyed, or another process invited first and mails it
        if mail_notice(contact=contact, text=_text(invitation)):
            mailed += 1
    return mailed


class _Watermark:
    """Each turn looks at what ended since the previous one (with a margin for transactions
    that committed late); the first looks back a day."""

    def __init__(self) -> None:
        self.since = timezone.now() - LOOK_BACK

    def turn(self) -> bool:
        now = timezone.now()
        survey_links_mail(since=self.since - MARGIN, now=now)
        survey_links_text(since=self.since - MARGIN, now=now)
        self.since = now
        return False


def start_survey_mailer(*, every: float = EVERY_S) -> Periodic:
    mailer = Periodic(name="relais-surveys", every=every, turn=_Watermark().turn)
    mailer.start()
    return mailer
