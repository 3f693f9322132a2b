"""A customer on a phone reads the help centre: topics, an article, "Did this help?"; nothing
is wider than the screen and nothing needs signing in."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.knowledge.models import ArticleFeedback, Topic
from tests.apps.conftest import World
from tests.apps.knowledge.fixtures import published

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_reads_an_answer_at_phone_width(world: World, live_server: Any, new_page):
    director = world.users["director"]
    topic = Topic.objects.create(code="returns", name_fr="Retours", name_en="Returns")
    published(
        director, director, title="Retourner un article", slug="retourner-un-article",
        body="Vous disposez de **30 jours** pour retourner un article.\n\n"
        "| Mode | Délai |\n|---|---|\n| Bureau de poste | 30 jours |\n| Magasin | 30 jours |",
        audience="public", topic_id=topic.pk,
    )  # fmt: skip
    page = new_page("fr")
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"{live_server.url}/help/")
    topic_shown = page.get_by_role("heading", name="Retours").is_visible()
    page.get_by_role("link", name="Retourner un article").click()
    page.get_by_role("heading", name="Retourner un article").wait_for()
    widest = page.evaluate("document.documentElement.scrollWidth")
    page.get_by_role("button", name="Oui").click()
    page.get_by_test_id("help-thanks").wait_for()

    assert topic_shown
    assert widest <= 360
    assert list(ArticleFeedback.objects.values_list("helpful", flat=True)) == [True]
