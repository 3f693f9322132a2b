"""Sampling plans: the draw, its reproducibility, the command."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.quality import sampling
from relais.apps.quality.models import Period, SampledContact, SampleDraw, SamplingPlan
from tests.apps.conftest import World
from tests.apps.quality.fixtures import form_version, handled_chat
from tests.apps.routing.fixtures import orders_queue

DAY = dt.date(2026, 11, 18)


@pytest.fixture
def chats(world: World) -> World:
    queue = orders_queue(world, code="sampled")
    at = dt.datetime(2026, 11, 17, 9, tzinfo=dt.UTC)
    for key in ("lille0", "rabat0", "bucarest0"):
        for hour in range(6):
            handled_chat(world, key, queue, at=at + dt.timedelta(hours=hour))
    handled_chat(
        world, "rabat1", queue, at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    )  # next week
    return world


def _plan(world: World, **given: Any) -> SamplingPlan:
    """A plan on the test form, by the quality analyst: weekly, 2 per agent, seed 7 unless
    `given` says otherwise."""
    fields: dict[str, Any] = {
        "name": "Weekly",
        "per_agent": 2,
        "period": Period.WEEK,
        "partner": None,
        "seed": 7,
    }
    fields.update(given)
    return sampling.plan_create(
        actor=world.users["quality_analyst"], form=form_version(world).form, **fields
    )


def test_a_draw_takes_k_per_agent_of_the_period_and_is_audited(chats: World) -> None:
    plan = _plan(chats)

    draw = sampling.sample_draw(actor=chats.users["quality_analyst"], plan=plan, day=DAY)

    assert (draw.period_start, draw.period_end) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    per_agent = Counter(SampledContact.objects.filter(draw=draw).values_list("agent_id", flat=True))
    assert per_agent == {chats.agents[k].pk: 2 for k in ("lille0", "rabat0", "bucarest0")}
    assert AuditEntry.objects.filter(action="quality.sample.draw").count() == 1
    assert sampling.sample_draw(actor=None, plan=plan, day=DAY + dt.timedelta(days=1)) == draw


def test_the_same_seed_draws_the_same_contacts_and_a_partner_plan_only_its_agents(
    chats: World,
) -> None:
    analyst = chats.users["quality_analyst"]
    first = _plan(chats, per_agent=3, period=Period.MONTH, seed=11)
    plans = [
        first,
        *(
            sampling.plan_create(
                actor=analyst,
                name=name,
                form=first.form,
                per_agent=3,
                period=Period.MONTH,
                partner=partner,
                seed=11,
            )
            for name, partner in (("Again", None), ("Atlas", chats.atlas))
        ),
    ]

    drawn = [
        set(
            SampledContact.objects.filter(
                draw=sampling.sample_draw(actor=analyst, plan=p, day=DAY)
            ).values_list("contact_id", flat=True)
        )
        for p in plans
    ]

    assert drawn[0] == drawn[1]
    assert len(drawn[0]) == 3 * 3 + 1  # rabat1's one contact of the month
    atlas_agents = {chats.agents["rabat0"].pk, chats.agents["rabat1"].pk}
    assert (
        set(
            SampledContact.objects.filter(contact_id__in=drawn[2]).values_list(
                "agent_id", flat=True
            )
        )
        <= atlas_agents
    )


def test_only_analysts_draw_and_bad_plans_are_refused(chats: World) -> None:
    plan = _plan(chats)

    with pytest.raises(RelaisError):
        sampling.sample_draw(actor=chats.users["partner_evaluator"], plan=plan, day=DAY)
    with pytest.raises(RelaisError) as bad:
        _plan(chats, per_agent=0, period="year")
    assert bad.value.code == "invalid_plan"
    assert not SampleDraw.objects.exists()


def test_the_command_draws_every_plan(chats: World) -> None:
    _plan(chats, per_agent=1, seed=3)

    call_command("quality_draw_samples", "--day", DAY.isoformat())

    assert SampledContact.objects.count() == 3
