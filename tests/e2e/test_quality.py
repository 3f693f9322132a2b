"""Calibration in two browsers: a quality analyst and a partner's evaluator score the same
anonymised contacts blind; neither sees the other's scores until both have submitted."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.quality import services
from relais.apps.quality.models import Evaluation
from tests.apps.conftest import World
from tests.apps.quality.fixtures import quality_world
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _score_every_criterion(page: Any, points: str) -> None:
    for select in page.locator("[data-testid=scorecard] select").all():
        values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
        select.select_option(
            points if points in values else values[-2] if values[-1] == "na" else values[-1]
        )
    page.click("[data-testid=submit-scores]")


def test_an_analyst_and_a_partner_evaluator_score_blind(
    world: World, new_page: Any, live_server: Any
) -> None:
    built = quality_world(world)
    analyst, evaluator = world.users["quality_analyst"], world.users["partner_evaluator"]
    analyst.first_name, analyst.last_name = "Anaïs", "Leroy"
    analyst.save()
    evaluator.first_name, evaluator.last_name = "Youssef", "Amrani"
    evaluator.save()
    contacts = [built.contacts["rabat0"], built.contacts["bucarest0"]]
    session = services.calibration_create(
        actor=analyst,
        title="Calibration de décembre",
        version=built.version,
        contacts=contacts,
        raters=[analyst, evaluator],
    )
    url = f"{live_server.url}/quality/calibration/{session.pk}/"
    first, second = new_page("fr"), new_page("en")
    sign_in(first, live_server.url, analyst)
    sign_in(second, live_server.url, evaluator)

    # the analyst scores both contacts
    first.goto(url)
    for _ in contacts:
        first.locator("[data-testid=score-link]").first.click()
        assert "Jeanne" not in first.inner_text("[data-testid=transcript]")  # anonymised
        assert "4111" not in first.inner_text("[data-testid=transcript]")
        _score_every_criterion(first, "4")
        first.wait_for_url(url)
    assert first.locator("[data-testid=scored]").count() == 2
    # the partner's evaluator sees no score of the analyst's, anywhere
    second.goto(url)
    assert second.locator("[data-testid=results-hidden]").is_visible()
    assert second.locator("[data-testid=totals]").count() == 0
    analyst_scores = Evaluation.objects.filter(calibration=session, evaluator=analyst)
    for evaluation in analyst_scores:
        response = second.goto(f"{live_server.url}/quality/evaluations/{evaluation.pk}/")
        assert response.status == 404
    second.goto(url)
    second.locator("[data-testid=score-link]").first.click()
    assert_accessible(second)  # the transcript beside the scorecard
    blind = second.inner_text("main")
    assert "Anaïs" not in blind
    assert "100" not in blind
    assert world.agents["rabat0"].user.last_name not in blind
    _score_every_criterion(second, "2")
    second.wait_for_url(url)
    first.reload()  # the analyst, too, waits for the evaluator
    assert first.locator("[data-testid=results-hidden]").is_visible()
    assert first.locator("[data-testid=totals]").count() == 0

    second.locator("[data-testid=score-link]").first.click()
    _score_every_criterion(second, "2")
    second.wait_for_url(url)

    # both have scored: both see the agreement and the scores
    second.wait_for_selector("[data-testid=results]")
    first.reload()
    first.wait_for_selector("[data-testid=results]")
    totals = first.inner_text("[data-testid=totals]")
    assert "Anaïs Leroy 100" in totals
    assert "Youssef Amrani" in totals
    assert "Atlas Contact" in first.inner_text("[data-testid=raters-alpha]")
    assert "Anaïs Leroy" in second.inner_text("[data-testid=totals]")
    assert Evaluation.objects.filter(calibration=session).count() == 4
    assert_accessible(first)
