import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from relais.apps.interactions.models import Contact
from relais.apps.knowledge.deflection import deflection_by_topic
from relais.apps.knowledge.models import (
    ArticleFeedback,
    Audience,
    SelfServiceSession,
    SessionOutcome,
    Topic,
)
from tests.apps.conftest import World
from tests.apps.knowledge.fixtures import published
from tests.apps.routing.fixtures import orders_queue


@pytest.fixture
def help_centre(world: World):
    director = world.users["director"]
    delivery = Topic.objects.create(code="delivery", name_fr="Livraison", name_en="Delivery")
    made = {}
    for slug, title, body in [
        ("delais", "Délais de livraison", "La livraison prend 3 à 5 jours ouvrés."),
        (
            "retard",
            "Ma commande est en retard",
            "Sans mouvement du suivi depuis 5 jours, écrivez-nous.",
        ),
        ("frais", "Frais de livraison", "La livraison est gratuite dès 60 euros."),
        ("colis", "Colis endommagé", "Signalez un colis abîmé sous 48 heures."),
    ]:
        made[slug], _ = published(
            director, director, title=title, body=body, audience=Audience.PUBLIC,
            topic_id=delivery.pk, slug=slug,
        )  # fmt: skip
    published(director, director, title="Livraison interne", audience=Audience.INTERNAL)
    return made


def post(client: Client, path: str, body: dict) -> dict:
    response = client.post(path, json.dumps(body), content_type="application/json")
    return {"status": response.status_code, **response.json()}


def test_the_first_message_gets_up_to_three_public_suggestions(help_centre):
    answer = post(Client(), "/help/selfservice/suggest", {"message": "ma livraison est en retard"})

    assert answer["status"] == 201
    assert 1 <= len(answer["suggestions"]) <= 3
    assert answer["suggestions"][0]["url"] == "/help/retard/"
    assert all("interne" not in s["title"] for s in answer["suggestions"])


def test_that_answers_my_question_ends_the_session_resolved(help_centre):
    client = Client()
    session = post(client, "/help/selfservice/suggest", {"message": "frais de livraison"})[
        "session"
    ]

    answered = post(client, "/help/selfservice/resolved", {"session": session})
    again = post(client, "/help/selfservice/resolved", {"session": session})

    assert answered["status"] == 200
    assert again["status"] == 404
    assert SelfServiceSession.objects.get().outcome == SessionOutcome.RESOLVED


def test_talk_to_an_agent_records_the_suggestions_on_the_contact(world: World, help_centre):
    from relais.apps.chat.models import ChatTopic

    ChatTopic.objects.create(code="commandes", label_fr="Commandes", label_en="Orders",
                             queue=orders_queue(world))  # fmt: skip
    client = Client()
    suggested = post(
        client, "/help/selfservice/suggest",
        {"message": "colis abimé", "email": "jeanne@example.com"},
    )  # fmt: skip
    chat = post(
        client, "/chat/start",
        {"topic": "commandes", "name": "Jeanne", "email": "jeanne@example.com",
         "message": "colis abimé", "language": "fr"},
    )  # fmt: skip

    escalated = post(
        client,
        "/help/selfservice/escalated",
        {"session": suggested["session"], "chat": chat["token"]},
    )

    session = SelfServiceSession.objects.get()
    assert escalated["status"] == 200
    assert session.outcome == SessionOutcome.ESCALATED
    assert session.contact is not None
    assert session.contact.attributes["knowledge_suggestions"] == [help_centre["colis"].pk]
    assert session.customer_key == "email:jeanne@example.com"


def test_did_this_help_is_recorded_without_signing_in(help_centre):
    response = Client().post("/help/delais/feedback", {"helpful": "yes"})

    assert response.status_code == 302
    assert list(ArticleFeedback.objects.values_list("helpful", flat=True)) == [True]


def test_the_help_centre_lists_public_articles_by_topic_in_french_and_english(help_centre):
    french = Client().get("/help/?lang=fr").content.decode()
    english = Client().get("/help/?lang=en").content.decode()

    assert '<html lang="fr">' in french
    assert "Livraison</h2>" in french
    assert "Délais de livraison" in french
    assert "Livraison interne" not in french
    assert '<html lang="en">' in english
    assert "Délais de livraison" not in english  # French articles stay in the French centre
    assert 'name="viewport"' in french


# Deflection ----------------------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def session(topic: Topic, *, hours_ago: float, key: str = "", outcome=SessionOutcome.OPEN):
    return SelfServiceSession.objects.create(
        token_hash=f"h{SelfServiceSession.objects.count()}",
        started_at=NOW - dt.timedelta(hours=hours_ago),
        question="?", topic=topic, customer_key=key, outcome=outcome,
    )  # fmt: skip


def contact(world: World, key: str, at: dt.datetime) -> Contact:
    queue = orders_queue(world, code=f"q{Contact.objects.count()}")
    return Contact.objects.create(
        channel="voice", queue=queue, priority=0, created_at=at, customer_key=key
    )


def test_deflection_counts_only_what_the_customer_said_or_a_silent_day(world: World):
    topic = Topic.objects.create(code="delivery", name_fr="Livraison", name_en="Delivery")
    session(topic, hours_ago=30, outcome=SessionOutcome.RESOLVED)  # said so
    session(topic, hours_ago=30, key="tel:+33600000001")  # silent for 24 h: resolved
    called_back = session(topic, hours_ago=30, key="tel:+33600000002")
    followed = contact(world, "tel:+33600000002", called_back.started_at + dt.timedelta(hours=3))
    contact(world, "tel:+33600000003", NOW - dt.timedelta(hours=40))  # before: not counted
    session(topic, hours_ago=30, key="tel:+33600000003")  # silent after its session: resolved
    late = session(topic, hours_ago=60, key="tel:+33600000004")
    contact(world, "tel:+33600000004", late.started_at + dt.timedelta(hours=25))  # after 24 h
    session(topic, hours_ago=30)  # nobody knows who: not resolved, unknown
    session(topic, hours_ago=2, key="tel:+33600000005")  # less than 24 h: pending
    session(topic, hours_ago=30, outcome=SessionOutcome.ESCALATED)

    [row] = deflection_by_topic(since=NOW - dt.timedelta(days=7), until=NOW, now=NOW)

    assert row.sessions == 8
    assert row.said_resolved == 1
    assert row.no_contact_within_24h == 3
    assert row.contacted_again == 1
    assert row.went_to_agent == 1
    assert row.unknown == 1
    assert row.pending == 1
    assert row.resolved == 4
    assert row.decided == 6
    assert row.rate == pytest.approx(4 / 6)
    assert row.contacts_after_failed == {followed.pk}


def test_the_deflection_page_shows_each_topic(world: World):
    from tests.apps.conftest import logged_in

    topic = Topic.objects.create(code="returns", name_fr="Retours", name_en="Returns")
    SelfServiceSession.objects.create(
        token_hash="x", started_at=timezone.now() - dt.timedelta(hours=30), question="?",
        topic=topic, outcome=SessionOutcome.RESOLVED,
    )  # fmt: skip

    html = logged_in(world.users["director"]).get("/reports/self-service/").content.decode()

    assert 'data-testid="deflection-row"' in html
    assert "Retours" in html
