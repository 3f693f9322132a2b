"""Before publishing, the author sees the simulator's service level during the roll-out."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from relais.apps.briefings.models import Briefing
from relais.apps.briefings.prediction import rollout_prediction
from relais.apps.briefings.services import RolloutPlan
from relais.apps.routing.models import Queue
from relais.core.briefings import RolloutMode
from tests.apps.conftest import World, logged_in


def test_taking_every_agent_out_at_once_costs_more_than_waves(
    world: World, commandes: Queue
) -> None:
    # given the eight agents of the world on "commandes", 40 chats an hour
    start = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=30)
    every = rollout_prediction(
        queues=[commandes],
        starts_at=start,
        plan=RolloutPlan(),
        reading_minutes=20,
        contacts_per_hour=40,
    )
    waves = rollout_prediction(
        queues=[commandes],
        starts_at=start,
        plan=RolloutPlan(mode=RolloutMode.WAVES, wave_agents=1, wave_every_minutes=15),
        reading_minutes=20,
        contacts_per_hour=40,
    )
    # then both forecasts cover the queue's half hours, and the roll-out to everyone at once
    # answers fewer contacts in time in its first half hour than the waves do
    assert {row.queue for row in every} == {"commandes"}
    assert len(every) == len(waves) >= 4
    first = next(i for i, row in enumerate(every) if row.start >= start)
    assert every[first].during is not None
    assert waves[first].during is not None
    assert every[first].during < waves[first].during
    assert every[first].without == waves[first].without


def test_the_forecast_is_shown_and_nothing_is_published(world: World, commandes: Queue) -> None:
    client = logged_in(world.users["director"])
    page = client.post(
        reverse("briefings:new"),
        {
            "action": "forecast",
            "title": "Retours",
            "summary": "Les retours passent à 60 jours.",
            "queues": [commandes.pk],
            "blocking": "on",
            "rollout_mode": "waves",
            "wave_percent": "25",
            "wave_every_minutes": "10",
            "reading_minutes": "3",
            "contacts_per_hour": "30",
        },
    )
    assert page.status_code == 200
    assert 'data-testid="briefing-prediction"' in page.content.decode()
    assert not Briefing.objects.exists()
