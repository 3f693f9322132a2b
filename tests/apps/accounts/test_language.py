"""The interface follows the person's saved language; the switcher changes it and remembers it."""

from __future__ import annotations

from relais.apps.audit.models import AuditEntry
from tests.apps.conftest import World, logged_in


def test_saved_language_wins_over_the_browsers(world: World) -> None:
    director = world.users["director"]
    director.language = "en"
    director.save()
    client = logged_in(director)

    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Dashboard" in page
    assert "Tableau de bord" not in page


def test_switcher_changes_the_language_and_saves_it(world: World) -> None:
    planner = world.users["planner"]
    client = logged_in(planner)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()

    assert response.status_code == 302
    assert "Dashboard" in page
    planner.refresh_from_db()
    assert planner.language == "en"
    assert AuditEntry.objects.filter(action="user.language", object_id=str(planner.pk)).count() == 1


def test_anonymous_visitors_get_their_browsers_language(world: World) -> None:
    from django.test import Client

    english = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Log in to Relais" in english
    assert "Connexion à Relais" in french
