"""The brand's signed customer identity in the widget (issue 18): a good token identifies the
customer; a bad or expired one is refused with its reason, and the chat starts as a guest's."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from relais.apps.chat.identity import identity_sign, identity_verify
from relais.apps.chat.models import ChatSession, ChatTopic
from relais.apps.errors import RelaisError
from relais.apps.routing.models import Channel
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue

SECRET = "brand-secret"


def _token(*, expires_in: int = 300, secret: str = SECRET, **claims: Any) -> str:
    return identity_sign(
        customer_id=claims.get("customer_id", "C-42"),
        name=claims.get("name", "Camille Durand"),
        expires=int(time.time()) + expires_in,
        secret=secret,
    )


def test_a_good_token_names_the_customer() -> None:
    found = identity_verify(_token(), now=time.time(), secret=SECRET)
    assert (found.customer_id, found.name) == ("C-42", "Camille Durand")


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (_token(expires_in=-120), "identity_expired"),
        (_token(secret="another"), "identity_invalid"),
        (_token(expires_in=7200), "identity_invalid"),  # not short-lived
        ("not.a.token", "identity_invalid"),
        ("abc", "identity_invalid"),
    ],
)
def test_a_bad_token_is_refused_with_its_reason(token: str, code: str) -> None:
    with pytest.raises(RelaisError) as refused:
        identity_verify(token, now=time.time(), secret=SECRET)
    assert refused.value.code.value == code


def test_a_token_with_another_algorithm_is_refused() -> None:
    _header, payload, signature = _token().split(".")
    none_header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    with pytest.raises(RelaisError):
        identity_verify(f"{none_header}.{payload}.", now=time.time(), secret=SECRET)
    with pytest.raises(RelaisError):
        identity_verify(f"{none_header}.{payload}.{signature}", now=time.time(), secret=SECRET)


@pytest.fixture
def topic(world: World) -> ChatTopic:
    queue = orders_queue(world, channel=Channel.CHAT)
    return ChatTopic.objects.create(
        code="commande", label_fr="Commande", label_en="Order", queue=queue
    )


def _start(identity: str, language: str = "fr") -> Any:
    body = {"topic": "commande", "name": "Paul", "language": language, "identity": identity}
    return Client().post("/chat/start", json.dumps(body), content_type="application/json")


def test_a_signed_in_customers_chat_carries_their_id_and_name(
    topic: ChatTopic, settings: Any
) -> None:
    settings.WIDGET_IDENTITY_SECRET = SECRET
    answer = _start(_token())
    assert answer.status_code == 201
    assert answer.json()["identity"] == {"verified": True, "code": "", "message": ""}
    session = ChatSession.objects.select_related("contact").get()
    assert session.contact.customer_key == "id:C-42"
    assert session.customer_name == "Camille Durand"
    assert session.contact.attributes["identity"] == "verified"


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "Votre connexion a expiré"), ("en", "Your sign-in has expired")],
)
def test_an_expired_token_starts_a_guest_chat_and_says_why(
    topic: ChatTopic, settings: Any, language: str, message: str
) -> None:
    settings.WIDGET_IDENTITY_SECRET = SECRET
    answer = _start(_token(expires_in=-600), language)
    assert answer.status_code == 201
    identity = answer.json()["identity"]
    assert (identity["verified"], identity["code"]) == (False, "identity_expired")
    assert identity["message"].startswith(message)
    session = ChatSession.objects.select_related("contact").get()
    assert session.contact.customer_key == ""
    assert session.customer_name == "Paul"
    assert session.contact.attributes["identity"] == "identity_expired"
