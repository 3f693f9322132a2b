"""E-mail end to end over real SMTP: customers' servers deliver to Relais's receiver, the
router offers the contact, the agent answers through the relay, the customer's reply joins
the conversation (docs/email.md)."""

from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop import services as desk
from relais.apps.email.models import MailMessage, MailThread, SendState
from relais.apps.email.outbox import outbox_deliver_due
from relais.apps.email.replies import mail_reply
from relais.apps.email.selectors import thread_view
from relais.apps.interactions.models import Contact
from tests.apps.email.conftest import ADDRESS, MailWorld, agent_available, customer_mail

pytestmark = pytest.mark.django_db(transaction=True)


def _answered(mail_world: MailWorld, contact: Contact, html: str, **kwargs: object) -> MailMessage:
    agent = mail_world.agent()
    mail_world.router.step()
    desk.desk_accept(actor=agent.user, contact_id=contact.pk)
    return mail_reply(actor=agent.user, contact_id=contact.pk, html=html, **kwargs)  # type: ignore[arg-type]


def test_an_email_is_routed_answered_and_the_reply_joins_its_thread(
    mail_world: MailWorld,
) -> None:
    agent = mail_world.agent()
    agent_available(agent)

    mail_world.send(customer_mail())
    contact = Contact.objects.get()
    mail_world.router.step()
    contact.refresh_from_db()
    assert (contact.channel, contact.state, contact.agent_id) == ("email", "offered", agent.pk)
    assert contact.attributes["email"] == "jeanne@example.com"
    thread = MailThread.objects.get()
    assert thread.response_due_at == contact.created_at + dt.timedelta(hours=4)

    desk.desk_accept(actor=agent.user, contact_id=contact.pk)
    reply = mail_reply(
        actor=agent.user,
        contact_id=contact.pk,
        html="<p>Bonjour, <b>elle arrive demain</b>.</p>",
        files=[SimpleUploadedFile("bon.pdf", b"%PDF-1.4 bon", content_type="application/pdf")],
    )
    assert reply.state == SendState.PENDING  # written before any attempt
    assert outbox_deliver_due() == {"sent": 1}

    sent = mail_world.relay.received[0]
    assert sent["From"] == f"Maison <{ADDRESS}>"
    assert sent["To"] == "jeanne@example.com"
    assert sent["Subject"] == "Re: Commande 1234"
    assert sent["In-Reply-To"] == "<first.1@example.com>"
    assert [a.get_filename() for a in sent.iter_attachments()] == ["bon.pdf"]
    assert "elle arrive demain" in sent.get_body(("plain",)).get_content()
    assert AuditEntry.objects.filter(action="email.reply", actor_id=agent.user.pk).count() == 1
    thread.refresh_from_db()
    assert thread.responded_at is not None

    # the customer answers while the contact is still in the agent's hands: the same contact
    mail_world.send(
        customer_mail(
            "Merci !", message_id="<second.2@example.com>", in_reply_to=sent["Message-ID"]
        )
    )
    assert Contact.objects.count() == 1
    told = DeskEvent.objects.filter(agent_id=agent.pk, kind="chat.message").get()
    assert told.payload["message"]["body"] == "Merci !\n"
    assert [m.message_id for m in MailMessage.objects.filter(thread=thread)] == [
        "<first.1@example.com>",
        sent["Message-ID"],
        "<second.2@example.com>",
    ]

    # once closed, a later answer opens a new contact of the same conversation
    desk.desk_complete(actor=agent.user, contact_id=contact.pk)
    desk.desk_wrap_up(actor=agent.user, contact_id=contact.pk, reason="resolved")
    mail_world.send(
        customer_mail(
            "Finalement, il manque un article.",
            message_id="<third.3@example.com>",
            in_reply_to="<second.2@example.com>",
        )
    )
    second = Contact.objects.exclude(pk=contact.pk).get()
    thread.refresh_from_db()
    assert (thread.contact_id, thread.responded_at) == (second.pk, None)
    assert second.attributes["previous_contact"] == contact.pk
    assert MailThread.objects.count() == 1


def test_the_same_message_delivered_twice_is_stored_once(mail_world: MailWorld) -> None:
    mail_world.send(customer_mail())
    mail_world.send(customer_mail())

    assert Contact.objects.count() == 1
    assert MailMessage.objects.count() == 1


def _bounce() -> EmailMessage:
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.com>"
    report["To"] = ADDRESS
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce.1@mx.example.com>"
    report.set_content("The mail system: user unknown")
    report.make_mixed()
    report.set_param("report-type", "delivery-status")
    report.set_type("multipart/report")
    return report


def _auto_reply() -> EmailMessage:
    message = customer_mail("Je suis absente jusqu'au 12.", message_id="<ooo.1@example.com>")
    message["Auto-Submitted"] = "auto-replied"
    message.replace_header("Subject", "Absence du bureau")
    return message


@pytest.mark.parametrize(("build", "kind"), [(_bounce, "bounce"), (_auto_reply, "auto_reply")])
def test_a_bounce_or_an_automatic_reply_creates_no_contact(
    mail_world: MailWorld, build: object, kind: str
) -> None:
    mail_world.send(build(), sender="")  # type: ignore[operator]

    assert Contact.objects.count() == 0
    assert list(MailMessage.objects.values_list("kind", "contact_id")) == [(kind, None)]
    mail_world.router.step()
    assert outbox_deliver_due() == {}  # nothing answers it: no loop
    assert mail_world.relay.received == []


def test_a_bounce_of_a_reply_marks_it_returned(mail_world: MailWorld) -> None:
    agent_available(mail_world.agent())
    mail_world.send(customer_mail())
    reply = _answered(mail_world, Contact.objects.get(), "<p>Voici.</p>")
    outbox_deliver_due()
    bounce = _bounce()
    bounce["In-Reply-To"] = reply.message_id

    mail_world.send(bounce, sender="")

    reply.refresh_from_db()
    assert reply.state == SendState.BOUNCED
    assert Contact.objects.count() == 1


def test_html_with_scripts_reaches_the_agent_inert(mail_world: MailWorld) -> None:
    agent = mail_world.agent()
    agent_available(agent)
    html = (
        '<p onmouseover="steal()">Bonjour<script>alert("x")</script></p>'
        '<img src="https://tracker.example/p.gif" onerror="alert(1)">'
        '<a href="javascript:alert(2)">clic</a><iframe src="https://evil.example"></iframe>'
    )
    mail_world.send(customer_mail("Bonjour", html=html))
    contact = Contact.objects.get()
    mail_world.router.step()
    desk.desk_accept(actor=agent.user, contact_id=contact.pk)

    shown = thread_view(viewer=agent.user, contact_id=contact.pk).messages[0].html

    assert "Bonjour" in shown
    for inert in ("<script", "onmouseover", "onerror", "javascript:", "<iframe", "<img"):
        assert inert not in shown
    assert "<script" not in MailMessage.objects.get().html  # stored sanitised too


def test_an_attachment_over_the_limit_is_refused_clearly(mail_world: MailWorld) -> None:
    message = customer_mail()
    message.add_attachment(
        b"%PDF" + b"0" * (1024 * 1024 + 10), maintype="application", subtype="pdf",
        filename="scan.pdf",
    )  # fmt: skip

    with pytest.raises(smtplib.SMTPDataError) as refused:
        mail_world.send(message)

    assert refused.value.smtp_code == 552
    assert b"scan.pdf" in refused.value.smtp_error
    assert b"limit of 1 MB" in refused.value.smtp_error
    assert Contact.objects.count() == 0


def test_an_unknown_recipient_is_refused(mail_world: MailWorld) -> None:
    with (
        pytest.raises(smtplib.SMTPRecipientsRefused),
        smtplib.SMTP(mail_world.receiver.hostname, mail_world.receiver.port) as smtp,
    ):
        smtp.sendmail("jeanne@example.com", ["nobody@maison.example"], b"Subject: x\r\n\r\nx")
    assert Contact.objects.count() == 0


def test_a_send_failure_is_shown_retried_and_nothing_is_lost(mail_world: MailWorld) -> None:
    agent = mail_world.agent()
    agent_available(agent)
    mail_world.send(customer_mail())
    contact = Contact.objects.get()
    mail_world.relay.failing = True

    reply = _answered(mail_world, contact, "<p>Nous regardons.</p>")
    assert outbox_deliver_due() == {"failed": 1}

    reply.refresh_from_db()
    assert (reply.state, reply.attempts) == (SendState.FAILED, 1)
    assert "451" in reply.last_error
    assert reply.next_attempt_at is not None
    shown = thread_view(viewer=agent.user, contact_id=contact.pk).messages[-1]
    assert (shown.state, shown.last_error) == ("failed", reply.last_error)
    assert outbox_deliver_due() == {}  # not due again before its backoff

    later = reply.next_attempt_at + dt.timedelta(seconds=1)
    assert outbox_deliver_due(later) == {"failed": 1}
    reply.refresh_from_db()
    assert reply.next_attempt_at - later >= dt.timedelta(seconds=59)  # the delay doubled

    mail_world.relay.failing = False
    assert outbox_deliver_due(reply.next_attempt_at) == {"sent": 1}
    reply.refresh_from_db()
    assert (reply.state, reply.attempts, reply.last_error) == (SendState.SENT, 3, "")
    assert len(mail_world.relay.received) == 1
    assert outbox_deliver_due(timezone.now() + dt.timedelta(days=1)) == {}  # sent once
    assert len(mail_world.relay.received) == 1
