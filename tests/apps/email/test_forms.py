"""The widget's "leave a message" and an e-mail are one work item: a left message is
answered by e-mail and the customer's answer joins its conversation; the first-response
clock follows the queue's opening hours."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.chat.models import ChatTopic
from relais.apps.chat.schemas import LeaveMessageForm
from relais.apps.chat.services import message_leave
from relais.apps.desktop import services as desk
from relais.apps.email.models import MailMessage, MailThread
from relais.apps.email.outbox import outbox_deliver_due
from relais.apps.email.receiving import response_due
from relais.apps.email.replies import mail_reply
from relais.apps.email.selectors import thread_view
from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Channel
from tests.apps.email.conftest import MailWorld, agent_available, customer_mail
from tests.apps.routing.fixtures import orders_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_left_in_the_widget_is_answered_by_email_and_its_answer_joins(
    mail_world: MailWorld,
) -> None:
    agent = mail_world.agent()
    agent_available(agent)
    chat_queue = orders_queue(mail_world.world, code="commandes", channel=Channel.CHAT)
    ChatTopic.objects.create(
        code="commande", label_fr="Commande", label_en="Order", queue=chat_queue,
        message_queue=mail_world.queue,
    )  # fmt: skip
    left = message_leave(
        form=LeaveMessageForm(
            topic="commande", name="Jeanne Martin", email="jeanne@example.com",
            message="Rappelez-moi au sujet du canapé.", language="fr",
        )
    )  # fmt: skip
    mail_world.router.step()
    desk.desk_accept(actor=agent.user, contact_id=left.pk)
    shown = thread_view(viewer=agent.user, contact_id=left.pk)
    assert [m.html for m in shown.messages] == ["<p>Rappelez-moi au sujet du canapé.</p>"]

    reply = mail_reply(actor=agent.user, contact_id=left.pk, html="<p>Il est en stock.</p>")
    outbox_deliver_due()
    sent = mail_world.relay.received[0]
    assert (sent["To"], sent["Subject"]) == ("jeanne@example.com", "Re: commande")
    mail_world.send(
        customer_mail(
            "Parfait, merci.", message_id="<answer@example.com>", in_reply_to=sent["Message-ID"]
        )
    )

    assert Contact.objects.filter(channel=Channel.EMAIL).count() == 1
    thread = MailThread.objects.get()
    assert thread.contact_id == left.pk
    assert [m.text for m in MailMessage.objects.filter(thread=thread)] == [
        "Rappelez-moi au sujet du canapé.",
        reply.text,
        "Parfait, merci.\n",
    ]


def test_the_first_response_clock_stops_while_the_queue_is_closed(mail_world: MailWorld) -> None:
    queue = mail_world.queue
    queue.opening_hours = "mon-fri 09:00-18:00"
    queue.time_zone = "Europe/Paris"
    queue.service_level_seconds = 4 * 3600
    friday_five_pm = dt.datetime.fromisoformat("2025-06-06T17:00:00+02:00")

    due = response_due(queue, friday_five_pm)

    assert due == dt.datetime.fromisoformat("2025-06-09T12:00:00+02:00")
