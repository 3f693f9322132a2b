"""Sign-in throttling with django-axes: a username is locked out on an address after
RELAIS_LOGIN_FAILURES wrong passwords (issue 15, finding 6: 25 wrong, then success)."""

from __future__ import annotations

from django.test import Client

from tests.apps.conftest import World
from tests.apps.factories import PASSWORD


def attempt(client: Client, username: str, password: str, address: str = "203.0.113.9") -> int:
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_after_25_wrong_passwords_the_right_one_is_refused(world: World) -> None:
    client = Client()
    planner = world.users["planner"].username

    statuses = [attempt(client, planner, f"wrong-{n}") for n in range(25)]
    right = client.post(
        "/accounts/login/", {"username": planner, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )

    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[5:]) == {429}
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        "Sign-in locked" in right.content.decode() or "Connexion bloquée" in right.content.decode()
    )


def test_the_lockout_page_speaks_english_and_french(world: World) -> None:
    for _ in range(5):
        attempt(Client(), "planner", "wrong")

    english = Client().post(
        "/accounts/login/",
        {"username": "planner", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    french = Client().post(
        "/accounts/login/",
        {"username": "planner", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert "Sign-in locked" in english.content.decode()
    assert "Connexion bloquée" in french.content.decode()


def test_the_lockout_holds_for_that_address_not_for_another(world: World) -> None:
    for _ in range(5):
        attempt(Client(), "planner", "wrong")

    elsewhere = attempt(Client(), "planner", PASSWORD, address="198.51.100.7")

    assert elsewhere == 302


def test_a_forwarded_for_header_does_not_choose_the_address(world: World) -> None:
    client = Client()
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": "planner", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )

    again = client.post(
        "/accounts/login/",
        {"username": "planner", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="10.0.0.99",
    )

    assert again.status_code == 429
