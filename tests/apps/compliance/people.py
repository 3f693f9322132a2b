"""Two customers with every kind of data Relais holds: Jeanne (chats, an e-mail with an
attachment, a call, a survey answer, an evaluated chat) and Paul (a chat)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from relais.apps.chat.models import ChatMessage, ChatSession, Sender, hash_token
from relais.apps.desktop.models import InternalNote
from relais.apps.email.models import (
    MailAttachment,
    Mailbox,
    MailDirection,
    MailMessage,
    MailThread,
    SendState,
)
from relais.apps.email.storage import attachment_store
from relais.apps.interactions.models import Channel, Contact
from relais.apps.quality.models import Evaluation
from relais.apps.quality.services import evaluation_submit
from relais.apps.routing.models import Queue
from relais.apps.satisfaction.models import Delivery
from relais.apps.satisfaction.schemas import AnswerIn
from relais.apps.satisfaction.services import survey_answer, survey_invite
from relais.apps.voice.models import Call, CallState, Number
from tests.apps.conftest import World
from tests.apps.quality.fixtures import all_points, form_version
from tests.apps.routing.fixtures import orders_queue
from tests.apps.satisfaction.making import handled, policy

JEANNE = "email:jeanne.martin@example.com"
PAUL = "email:paul.durand@example.com"
JEANNE_NUMBER = "+33612345678"
ATTACHMENT = b"%PDF-1.4 facture de Jeanne"


@dataclass
class People:
    chat: Queue
    mail: Queue
    voice: Queue
    jeanne: list[Contact]
    paul: list[Contact]
    evaluation: Evaluation


def _chat(contact: Contact, name: str, lines: list[str]) -> None:
    ChatSession.objects.create(
        contact=contact,
        token_hash=hash_token(f"token-{contact.pk}"),
        customer_name=name,
        email=contact.customer_key.removeprefix("email:"),
        created_at=contact.created_at,
    )
    for seq, body in enumerate(lines, start=1):
        ChatMessage.objects.create(
            contact=contact,
            seq=seq,
            sender=Sender.CUSTOMER if seq % 2 else Sender.AGENT,
            author_name=name if seq % 2 else "Camille",
            body=body,
            created_at=contact.created_at + dt.timedelta(seconds=seq),
        )
    ChatSession.objects.filter(pk=contact.pk).update(last_seq=len(lines))


def people_make(world: World, *, at: dt.datetime | None = None) -> People:
    at = at or timezone.now() - dt.timedelta(days=3)
    chat = orders_queue(world, code="gdpr-chat")
    mail = orders_queue(world, code="gdpr-mail", channel=Channel.EMAIL)
    voice = orders_queue(world, code="gdpr-voice", channel=Channel.VOICE)
    agents = [world.agents["lille0"]]
    policy(chat, sampling_percent=100)

    first = handled(chat, agents, at=at, customer_key=JEANNE, order="CMD-1234")
    Contact.objects.filter(pk=first.pk).update(
        customer_reference="jeanne.martin@example.com",
        attributes={"name": "Jeanne Martin", "order": "CMD-1234", "topic": "commande"},
    )
    _chat(first, "Jeanne Martin", ["Ma commande CMD-1234 au 12 rue des Lilas", "Je regarde."])
    InternalNote.objects.create(
        contact=first, author=agents[0].user, body="Jeanne rappelle demain", created_at=at
    )
    invitation = survey_invite(contact=first, delivery=Delivery.WIDGET, now=first.closed_at)
    assert invitation is not None
    survey_answer(
        invitation=invitation,
        answer=AnswerIn(agent_csat=5, nps=9, comment="Merci, Jeanne Martin"),
        now=first.closed_at,
    )

    second = handled(mail, agents, at=at + dt.timedelta(hours=1), customer_key=JEANNE)
    box = Mailbox.objects.create(queue=mail, address="commandes@example.com")
    thread = MailThread.objects.create(
        mailbox=box,
        customer_address="jeanne.martin@example.com",
        customer_name="Jeanne Martin",
        subject="Facture",
        contact=second,
        created_at=second.created_at,
    )
    message = MailMessage.objects.create(
        mailbox=box,
        thread=thread,
        contact=second,
        direction=MailDirection.INBOUND,
        message_id="<1@example.com>",
        from_address="jeanne.martin@example.com",
        from_name="Jeanne Martin",
        to_address="commandes@example.com",
        subject="Facture",
        text="Bonjour, ma facture est fausse. Jeanne",
        state=SendState.RECEIVED,
        created_at=second.created_at,
    )
    MailAttachment.objects.create(
        message=message,
        filename="facture.pdf",
        content_type="application/pdf",
        size=len(ATTACHMENT),
        stored_as=attachment_store(ATTACHMENT),
    )

    third = handled(
        voice, agents, at=at + dt.timedelta(hours=2), customer_key=f"tel:{JEANNE_NUMBER}"
    )
    Contact.objects.filter(pk=third.pk).update(customer_key=JEANNE)
    Call.objects.create(
        contact=third,
        caller=JEANNE_NUMBER,
        number=Number.objects.create(number="+33100000001", queue=voice),
        sip_call_id="call-jeanne@relais",
        dialog={"caller": {"from": f"sip:{JEANNE_NUMBER}@trunk"}},
        state=CallState.ENDED,
        created_at=third.created_at,
        answered_at=third.accepted_at,
        ended_at=third.closed_at,
    )

    paul = handled(chat, agents, at=at + dt.timedelta(hours=3), customer_key=PAUL)
    Contact.objects.filter(pk=paul.pk).update(customer_reference="paul.durand@example.com")
    _chat(paul, "Paul Durand", ["Bonjour, Paul Durand ici", "Bonjour Paul."])

    version = form_version(world)
    evaluation = evaluation_submit(
        actor=world.users["quality_analyst"],
        contact=first,
        version=version,
        points=all_points(version, 3),
        comment="Jeanne Martin était pressée",
    )
    return People(
        chat,
        mail,
        voice,
        list(Contact.objects.filter(customer_key=JEANNE).order_by("id")),
        [paul],
        evaluation,
    )
