"""Webhooks (issue 18): each contact event a subscription chose is delivered signed to a real
HTTP receiver on 127.0.0.1; a failed delivery is retried with backoff by the job runner; a
replay keeps its delivery id, so a receiver that checks it has no duplicate effect; a
partner's subscription hears only of its partner's contacts; the feed misses nothing after a
restart."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from relais.apps.audit.models import AuditEntry
from relais.apps.interactions import services as interactions
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import Contact, EventKind
from relais.apps.routing.models import Channel
from relais.apps.webhooks.delivery import delivery_attempt, retry_delay
from relais.apps.webhooks.feed import webhooks_feed
from relais.apps.webhooks.jobs import webhook_deliver
from relais.apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from relais.apps.webhooks.services import delivery_replay
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.webhooks.receiver import Receiver, serve, signature_valid

SECRET = "whsec_test-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(Receiver(secret=SECRET))


def _subscribe(receiver: Receiver, events: list[str], **extra: Any) -> WebhookSubscription:
    webhooks_feed()  # the feed starts at the log's end: what follows is delivered
    return WebhookSubscription.objects.create(
        name="CRM", url=receiver.url, secret=SECRET, events=events, **extra
    )


def _contact(world: World) -> Contact:
    queue = orders_queue(world, channel=Channel.CALLBACK)
    return interactions.contact_create(
        actor=None, queue=queue, customer_reference="+33 6 12 34 56 78", customer_id="C-42"
    )


def test_a_created_contact_is_delivered_signed(world: World, receiver: Receiver) -> None:
    # given a subscription to created contacts
    subscription = _subscribe(receiver, ["contact.created"])
    # when a contact is created and the feed and the job run
    contact = _contact(world)
    assert webhooks_feed() == 1
    delivery = WebhookDelivery.objects.get()
    done = delivery_attempt(delivery.pk)
    # then the receiver got it once, signed with the subscription's secret
    assert (done.status, done.attempts, done.response_code) == (DeliveryStatus.DELIVERED, 1, 200)
    [request] = receiver.requests
    assert request["valid"]
    assert not signature_valid(
        "another secret",
        request["headers"]["Relais-Timestamp"],
        request["body"],
        request["headers"]["Relais-Signature"],
    )
    assert request["headers"]["Relais-Delivery"] == str(delivery.delivery_id)
    assert request["headers"]["Relais-Event"] == "contact.created"
    body = json.loads(request["body"])
    assert body["delivery_id"] == str(delivery.delivery_id)
    assert body["contact"]["id"] == contact.pk
    assert body["contact"]["customer_id"] == "C-42"
    assert "+33" not in request["body"].decode()  # no personal data but the brand's id
    assert delivery.subscription == subscription


def test_a_failed_delivery_is_retried_with_backoff_until_the_receiver_takes_it(
    world: World, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOK_RETRY_S = 30
    _subscribe(receiver, ["contact.created"])
    _contact(world)
    webhooks_feed()
    delivery = WebhookDelivery.objects.get()
    receiver.fail_first = 2
    now = timezone.now()

    first = delivery_attempt(delivery.pk, now=now)
    assert (first.status, first.attempts, first.response_code) == ("pending", 1, 500)
    assert first.last_error.startswith("HTTP 500")
    assert first.next_attempt_at == now + dt.timedelta(seconds=30)

    second = delivery_attempt(delivery.pk, now=first.next_attempt_at)
    assert (second.status, second.attempts) == ("pending", 2)
    assert second.next_attempt_at == first.next_attempt_at + dt.timedelta(seconds=60)

    third = delivery_attempt(delivery.pk, now=second.next_attempt_at)
    assert (third.status, third.attempts, third.response_code, third.last_error) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
        "",
    )
    assert len(receiver.requests) == 3
    assert len({r["headers"]["Relais-Delivery"] for r in receiver.requests}) == 1
    assert len(receiver.effects) == 1


def test_the_job_runner_enqueues_the_retry_for_when_it_falls_due(
    world: World, receiver: Receiver
) -> None:
    _subscribe(receiver, ["contact.created"])
    _contact(world)
    webhooks_feed()
    delivery = WebhookDelivery.objects.get()
    receiver.fail_first = 1

    assert webhook_deliver.call(delivery.pk) == "pending"  # the job, as the worker runs it

    delivery.refresh_from_db()
    retry = DBTaskResult.objects.get(task_path=webhook_deliver.module_path)
    assert retry.args_kwargs["args"] == [delivery.pk]
    assert retry.run_after == delivery.next_attempt_at


def test_a_receiver_dropping_or_refusing_gives_up_after_the_last_attempt(
    world: World, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    _subscribe(receiver, ["contact.created"])
    _contact(world)
    webhooks_feed()
    delivery = WebhookDelivery.objects.get()
    WebhookSubscription.objects.update(url="http://127.0.0.1:9/nobody")  # nothing listens

    assert delivery_attempt(delivery.pk).status == DeliveryStatus.PENDING
    failed = delivery_attempt(delivery.pk)
    assert failed.status == DeliveryStatus.FAILED
    assert failed.response_code is None
    assert "ConnectError" in failed.last_error
    assert failed.next_attempt_at is None
    assert retry_delay(3) == dt.timedelta(seconds=settings.WEBHOOK_RETRY_S * 4)


def test_a_replay_keeps_its_id_and_the_receiver_has_no_duplicate_effect(
    world: World, receiver: Receiver
) -> None:
    _subscribe(receiver, ["contact.created"])
    _contact(world)
    webhooks_feed()
    delivery = WebhookDelivery.objects.get()
    delivery_attempt(delivery.pk)

    admin = world.users["administrator"]
    replayed = delivery_replay(actor=admin, delivery=delivery)
    assert replayed.status == DeliveryStatus.PENDING
    again = delivery_attempt(delivery.pk)

    assert again.status == DeliveryStatus.DELIVERED
    assert [r["headers"]["Relais-Delivery"] for r in receiver.requests] == [
        str(delivery.delivery_id)
    ] * 2
    assert list(receiver.effects) == [str(delivery.delivery_id)]  # one effect
    entry = AuditEntry.objects.get(action="webhook_delivery.replay")
    assert entry.actor_id == admin.pk


def test_only_administrators_replay(world: World, receiver: Receiver) -> None:
    from relais.apps.errors import RelaisError

    _subscribe(receiver, ["contact.created"])
    _contact(world)
    webhooks_feed()
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(RelaisError):
        delivery_replay(actor=world.users["supervisor"], delivery=delivery)
    assert not AuditEntry.objects.filter(action="webhook_delivery.replay").exists()


def test_a_partners_subscription_hears_only_of_its_partners_contacts(
    world: World, receiver: Receiver
) -> None:
    # given a subscription of Atlas Contact's and one of the whole company's
    atlas = _subscribe(receiver, ["contact.answered"], partner=world.atlas)
    everyone = WebhookSubscription.objects.create(
        name="All", url=receiver.url, secret=SECRET, events=["contact.answered"]
    )
    contact = _contact(world)
    # when an agent of Atlas (Rabat) and one of the company (Lille) answer
    now = timezone.now()
    for key in ("rabat0", "lille0"):
        event_append(
            kind=EventKind.OFFER_ACCEPTED,
            at=now,
            contact_id=contact.pk,
            agent_id=world.agents[key].pk,
            queue_id=contact.queue_id,
        )
    webhooks_feed()
    # then Atlas hears of its own agent's answer only
    assert [d.payload["agent_id"] for d in WebhookDelivery.objects.filter(subscription=atlas)] == [
        world.agents["rabat0"].pk
    ]
    assert WebhookDelivery.objects.filter(subscription=everyone).count() == 2


def test_the_feed_misses_nothing_after_a_restart_and_delivers_once(
    world: World, receiver: Receiver
) -> None:
    _subscribe(receiver, ["contact.created", "contact.wrapped_up", "survey.answered"])
    contact = _contact(world)
    assert webhooks_feed() == 1
    # the server stops; meanwhile the contact is wrapped up and its survey answered
    now = timezone.now()
    event_append(
        kind=EventKind.CONTACT_WRAPPED_UP, at=now, contact_id=contact.pk, data={"reason": "solved"}
    )
    event_append(kind="survey.answered", at=now, contact_id=contact.pk, data={"csat": 5})  # type: ignore[arg-type]
    # a new server's feed reads on from where the last one stopped
    assert webhooks_feed() == 2
    assert webhooks_feed() == 0
    kinds = list(WebhookDelivery.objects.order_by("log_id").values_list("event", flat=True))
    assert kinds == ["contact.created", "contact.wrapped_up", "survey.answered"]
    wrapped = WebhookDelivery.objects.get(event="contact.wrapped_up")
    assert wrapped.payload["data"] == {"reason": "solved"}


def test_a_subscription_hears_only_the_events_it_chose(world: World, receiver: Receiver) -> None:
    _subscribe(receiver, ["contact.abandoned"])
    contact = _contact(world)
    interactions.contact_abandon(actor=None, contact=contact)
    webhooks_feed()
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["contact.abandoned"]
