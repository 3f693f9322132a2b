"""The demo's survey history: answered through the satisfaction services, loaded once, and
enough of it for the league to show real intervals per partner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.accounts.models import Role, User
from relais.apps.satisfaction.league import LeagueQuery, league
from relais.apps.satisfaction.models import FcrJudgement, SurveyAnswer, SurveyPolicy
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from relais.demo.surveys import load_demo_surveys

pytestmark = pytest.mark.django_db


def test_the_demo_history_loads_once_and_fills_the_league(db: None) -> None:
    load_demo_company()
    load_demo_queues()
    first = load_demo_surveys(days=14, per_day=40)
    again = load_demo_surveys(days=14, per_day=40)

    assert first["answers"] == SurveyAnswer.objects.count() > 100
    assert again == {"policies": 0, "contacts": 0, "answers": 0}
    assert SurveyPolicy.objects.exists()
    assert FcrJudgement.objects.count() == first["contacts"]
    director = User.objects.filter(role=Role.DIRECTOR).first()
    today = timezone.localdate()
    query = LeagueQuery(start=today - dt.timedelta(days=20), end=today, level="site_kind")
    table = league(viewer=director, query=query).tables["site_kind:agent_csat"]
    shown = [row for row in table.rows if row.enough]
    assert shown
    assert all(row.low is not None and row.low < row.value < row.high for row in shown)  # type: ignore[operator]
