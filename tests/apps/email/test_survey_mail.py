"""The satisfaction survey of an e-mail contact: once the conversation has ended, the link goes
to the customer in the same thread, once, in the survey's language, and it opens the survey."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from relais.apps.desktop import services as desk
from relais.apps.email.models import MailMessage
from relais.apps.email.outbox import outbox_deliver_due
from relais.apps.interactions.models import Contact
from relais.apps.satisfaction.mailing import survey_links_mail
from relais.apps.satisfaction.models import SurveyInvitation, SurveyPolicy
from tests.apps.email.conftest import MailWorld, agent_available, customer_mail

pytestmark = pytest.mark.django_db(transaction=True)


def _handled(mail_world: MailWorld) -> Contact:
    agent = mail_world.agent()
    agent_available(agent)
    mail_world.send(customer_mail())
    contact = Contact.objects.get()
    mail_world.router.step()
    desk.desk_accept(actor=agent.user, contact_id=contact.pk)
    desk.desk_complete(actor=agent.user, contact_id=contact.pk)
    desk.desk_wrap_up(actor=agent.user, contact_id=contact.pk, reason="resolved")
    return contact


def test_the_survey_link_reaches_the_customer_once_in_the_thread(
    mail_world: MailWorld, settings: object
) -> None:
    SurveyPolicy.objects.create(queue=mail_world.queue, sampling_percent=100, quiet_days=0)
    since = timezone.now() - dt.timedelta(minutes=1)
    contact = _handled(mail_world)

    assert survey_links_mail(since=since) == 1
    assert survey_links_mail(since=since) == 0  # a second turn mails nothing more
    assert outbox_deliver_due() == {"sent": 1}

    invitation = SurveyInvitation.objects.get(contact=contact)
    assert invitation.delivery == "link"
    sent = mail_world.relay.received[-1]
    assert sent["To"] == "jeanne@example.com"
    assert sent["Subject"] == "Re: Commande 1234"
    body = sent.get_body(("plain",)).get_content()
    assert "Votre demande est traitée" in body
    (url,) = [word for word in body.split() if word.startswith("http")]
    notice = MailMessage.objects.filter(contact=contact, author=None, direction="outbound").get()
    assert notice.thread_id == MailMessage.objects.filter(contact=contact).first().thread_id  # type: ignore[union-attr]
    # the link opens the survey
    page = Client().get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert page.status_code == 200


def test_no_link_outside_the_policy(mail_world: MailWorld) -> None:
    since = timezone.now() - dt.timedelta(minutes=1)
    _handled(mail_world)  # no survey policy on the queue

    assert survey_links_mail(since=since) == 0
    assert not SurveyInvitation.objects.exists()
    assert not MailMessage.objects.filter(author=None, direction="outbound").exists()


def test_a_message_left_waiting_by_a_stopped_worker_gets_a_new_job(mail_world: MailWorld) -> None:
    from django_tasks_db.models import DBTaskResult

    from relais.apps.email.jobs import outbox_sweep

    SurveyPolicy.objects.create(queue=mail_world.queue, sampling_percent=100, quiet_days=0)
    since = timezone.now() - dt.timedelta(minutes=1)
    _handled(mail_world)
    survey_links_mail(since=since)
    DBTaskResult.objects.all().delete()  # the worker stopped with the job in hand
    waiting = MailMessage.objects.get(author=None, direction="outbound", state="pending")

    assert not outbox_sweep()  # just due: its job may still come
    later = waiting.next_attempt_at + dt.timedelta(minutes=3)  # type: ignore[operator]
    assert outbox_sweep(now=later)

    (job,) = DBTaskResult.objects.all()
    assert job.task_path.endswith("outbox_run")
