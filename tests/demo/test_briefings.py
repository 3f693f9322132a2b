"""The demo's briefing (delivered yesterday, two thirds acknowledged) and its prepared crisis
mode; loaded once, and the pages show them."""

from __future__ import annotations

import pytest
from django.test import Client

from relais.apps.accounts.models import User
from relais.apps.briefings.models import Briefing, Delivery
from relais.apps.crisis.models import CrisisMode
from relais.demo.briefings import CRISIS, load_demo_briefings
from relais.demo.company import load_demo_company
from relais.demo.faq import load_demo_faq
from relais.demo.queues import load_demo_queues


@pytest.fixture
def demo(db: None) -> dict[str, int]:
    load_demo_company()
    load_demo_queues()
    load_demo_faq()
    return load_demo_briefings()


def test_yesterdays_briefing_reached_the_agents_and_most_acknowledged(
    demo: dict[str, int],
) -> None:
    briefing = Briefing.objects.get()
    deliveries = Delivery.objects.filter(briefing=briefing)

    assert demo["briefings"] == 1
    assert deliveries.count() > 10
    assert deliveries.filter(delivered_at__isnull=True).count() == 0
    acknowledged = deliveries.filter(acknowledged_at__isnull=False).count()
    assert 0.4 < acknowledged / deliveries.count() < 0.9
    assert load_demo_briefings() == {"briefings": 0, "acknowledged": 0, "crisis_modes": 0}


def test_the_crisis_mode_is_prepared_not_on(demo: dict[str, int]) -> None:
    mode = CrisisMode.objects.get(name=CRISIS)

    assert not mode.on
    assert mode.articles.count() == 2
    assert mode.changes.get().queue.code == "livraison"


def test_the_supervisor_sees_the_briefing_and_its_progress(demo: dict[str, int]) -> None:
    client = Client()
    client.force_login(User.objects.get(username="superviseur.lille1"))

    page = client.get("/briefings/")

    assert page.status_code == 200
    assert "Retours : 30 jours au lieu de 14" in page.content.decode()
