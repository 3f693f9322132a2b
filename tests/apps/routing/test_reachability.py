"""The hours when nobody can answer a queue, from the database configuration: the selector,
its words in English and French, and the admin showing them when a queue or step is saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relais.apps.accounts.models import Role, User
from relais.apps.audit.models import AuditEntry
from relais.apps.organisation.models import Skill
from relais.apps.routing.models import OverflowStep, Queue, QueueSkill, StepOverride
from relais.apps.routing.reachability import gap_texts, queue_gaps, reach_index
from relais.core.routing import GapReason, WeeklyGap
from tests.apps.conftest import World, logged_in
from tests.apps.factories import OpeningHoursFactory, UserFactory

# Wednesday 14 January 2026, 10:00 Paris: the weeks checked start on Monday 12 January.
JANUARY = dt.datetime(2026, 1, 14, 9, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 1, 12)


def evening_queue(*, step_hours: str = "mon 08:00-20:00") -> Queue:
    """Open on Mondays until 22:00 Paris; its only step, the company's own sites, until 20:00."""
    queue = Queue.objects.create(
        code="orders",
        name_fr="Commandes",
        name_en="Orders",
        channel="chat",
        time_zone="Europe/Paris",
        opening_hours="mon 08:00-22:00",
    )
    QueueSkill.objects.create(queue=queue, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(
        queue=queue, order=0, internal=True, hours=step_hours, hours_time_zone="Europe/Paris"
    )
    return queue


def test_step_hours_narrower_than_the_queue_are_a_gap_every_monday(world: World) -> None:
    # given a queue open until 22:00 whose step stops at 20:00
    queue = evening_queue()

    # when this week and the next 52 are checked
    (gap,) = queue_gaps(viewer=world.users["director"], queue=queue, at=JANUARY)

    # then Monday 20:00-22:00, every week, because no step is open
    assert (gap.queue_id, gap.reason) == ("orders", GapReason.NO_STEP_OPEN)
    assert (gap.start_min, gap.end_min) == (20 * 60, 22 * 60)
    assert gap.every_week
    assert (gap.weeks_checked, gap.weeks[0]) == (53, MONDAY)
    with translation.override("en"):
        assert gap_texts([gap], "Orders") == [
            "Nobody can answer queue Orders on Monday 20:00–22:00: no overflow step is open then."
        ]
    with translation.override("fr"):
        assert gap_texts([gap], "Commandes") == [
            "Personne ne peut répondre à la file Commandes le lundi 20:00–22:00\u202f: aucune "
            "étape de débordement n’est ouverte à cette heure-là."
        ]


def _gap(start: int, end: int, weeks: int = 53) -> WeeklyGap:
    mondays = tuple(MONDAY + dt.timedelta(weeks=k) for k in range(weeks))
    return WeeklyGap("orders", GapReason.NO_STEP_OPEN, start, end, mondays, 53)


@pytest.mark.parametrize(
    ("gaps", "english", "french"),
    [
        pytest.param(
            [_gap(0, 7 * 1440)],
            "at any time",
            "à toute heure",
            id="the whole week",
        ),
        pytest.param(
            [_gap(22 * 60, 30 * 60)],
            "from Monday 22:00 to Tuesday 06:00",
            "du lundi 22:00 au mardi 06:00",
            id="one night",
        ),
        pytest.param(
            [_gap(d * 1440 + 22 * 60, d * 1440 + 30 * 60) for d in range(7)],
            "from Monday to Sunday, 22:00–06:00",
            "du lundi au dimanche, 22:00–06:00",
            id="every night",
        ),
        pytest.param(
            [_gap(6 * 1440 + 22 * 60, 7 * 1440 + 6 * 60)],
            "from Sunday 22:00 to Monday 06:00",
            "du dimanche 22:00 au lundi 06:00",
            id="over Sunday midnight",
        ),
        pytest.param(
            [_gap(2 * 1440 + 22 * 60, 2 * 1440 + 23 * 60, weeks=17)],
            "on Wednesday 22:00–23:00 (17 of the 53 weeks checked, first on Jan. 14, 2026)",
            "le mercredi 22:00–23:00 (17 des 53 semaines vérifiées, la première le 14 janvier "
            "2026)",
            id="some weeks only",
        ),
    ],
)
def test_gaps_in_words(gaps: list[WeeklyGap], english: str, french: str) -> None:
    with translation.override("en"):
        assert gap_texts(gaps, "Orders") == [
            f"Nobody can answer queue Orders {english}: no overflow step is open then."
        ]
    with translation.override("fr"):
        assert gap_texts(gaps, "Commandes") == [
            f"Personne ne peut répondre à la file Commandes {french}\u202f: aucune étape de "
            "débordement n’est ouverte à cette heure-là."
        ]


def test_the_sites_hours_count(world: World) -> None:
    # given the step open until 22:00 like the queue, but the internal sites closing at 20:00
    queue = evening_queue(step_hours="")

    (gap,) = queue_gaps(viewer=world.users["director"], queue=queue, at=JANUARY, weeks=2)

    assert (gap.reason, gap.start_min, gap.end_min) == (GapReason.SITES_CLOSED, 1200, 1320)


def test_an_agent_without_the_skill_level_reaches_nobody(world: World) -> None:
    # given a queue needing orders at level 4 (the world's agents have 3)
    queue = evening_queue()
    queue.skill_levels.update(min_level=4)

    gaps = queue_gaps(viewer=world.users["director"], queue=queue, at=JANUARY, weeks=2)

    assert [(g.reason, g.start_min, g.end_min) for g in gaps] == [
        (GapReason.NO_SKILLED_AGENT, 480, 1200),
        (GapReason.NO_STEP_OPEN, 1200, 1320),  # the step's hours come first
    ]


def test_a_supervisor_override_is_part_of_the_check(world: World) -> None:
    # given the step opened now by a supervisor, whatever its hours
    queue = evening_queue(step_hours="mon 08:00-09:00")
    OverflowStep.objects.filter(queue=queue).update(override=StepOverride.OPEN)

    gaps = queue_gaps(viewer=world.users["director"], queue=queue, at=JANUARY, weeks=2)

    # then only the sites' own hours remain (closed after 20:00)
    assert [(g.reason, g.start_min) for g in gaps] == [(GapReason.SITES_CLOSED, 1200)]


def test_nobody_signed_in_reads_nothing(world: World) -> None:
    evening_queue()

    assert queue_gaps(viewer=AnonymousUser(), at=JANUARY) == []


def test_the_reach_index_knows_who_may_serve_each_step(world: World) -> None:
    evening_queue()

    index = reach_index()

    (step,) = index["orders"].steps
    internal = {str(world.agents[k].pk) for k in ("lille0", "lille1", "home0", "home1")}
    assert step.agents == internal


# -- the admin ----------------------------------------------------------------------------------


def _queue_form(**fields: Any) -> dict[str, Any]:
    """The add form of a queue with one overflow step (the admin's formset prefixes)."""
    data = {
        "code": "evening",
        "name_fr": "Soir",
        "name_en": "Evening",
        "channel": "chat",
        "language": "",
        "priority": 0,
        "service_level_percent": 80,
        "service_level_seconds": 20,
        "time_zone": "Europe/Paris",
        "opening_hours": "mon-fri 08:00-22:00",
        "strategy": "longest_idle",
        "offer_timeout_seconds": 15,
        "wrap_up_seconds": 0,
        "customer_grace_seconds": 60,
        "exhausted_action": "keep_waiting",
        "exhausted_after_seconds": 0,
        "active": "on",
        "skill_levels-TOTAL_FORMS": 0,
        "skill_levels-INITIAL_FORMS": 0,
        "overflow_steps-TOTAL_FORMS": 1,
        "overflow_steps-INITIAL_FORMS": 0,
        "overflow_steps-0-order": 0,
        "overflow_steps-0-after_seconds": 0,
        "overflow_steps-0-internal": "on",
        "overflow_steps-0-site_kinds": "[]",
        "overflow_steps-0-relaxed_levels": "null",
        "overflow_steps-0-hours_time_zone": "Europe/Paris",
        "overflow_steps-0-hours": "mon-fri 08:00-20:00",
        "overflow_steps-0-skip_if_empty": "on",
        "split_wait_bound_seconds": "10",
        "split_window_contacts": "500",
        "split_tolerance_points": "2",
        "split_shares-TOTAL_FORMS": "0",
        "split_shares-INITIAL_FORMS": "0",
    }
    return {**data, **fields}


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def admin(world: World) -> Client:
    """A superuser who reads English: the Django admin is theirs."""
    root = UserFactory(
        username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, language="en"
    )
    return logged_in(root)


@pytest.fixture
def weekdays(world: World) -> None:
    """The company's own sites open Monday to Friday 08:00-20:00 (the world: Mondays only)."""
    for site in (world.lille, world.home):
        for weekday in range(1, 5):
            OpeningHoursFactory(site=site, weekday=weekday)


@pytest.mark.usefixtures("weekdays")
def test_saving_a_queue_in_the_admin_warns_of_the_gaps_and_stays_audited(admin: Client) -> None:
    # given an administrator in English

    # when they add a queue open until 22:00 whose only step stops at 20:00
    response = admin.post(reverse("admin:routing_queue_add"), _queue_form(), follow=True)

    # then the queue and its step are saved, audited, and the gaps shown as warnings
    queue = Queue.objects.get(code="evening")
    assert queue.overflow_steps.count() == 1
    warnings = [m for m in _messages(response) if m.startswith("Nobody")]
    assert warnings == [
        "Nobody can answer queue Evening from Monday to Friday, 20:00–22:00: no overflow step "
        "is open then."
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"queue.admin_create", "overflowstep.admin_create"} <= actions
    step_entry = AuditEntry.objects.get(action="overflowstep.admin_create")
    assert step_entry.changes["hours"] == "mon-fri 08:00-20:00"
    assert step_entry.actor is not None
    assert step_entry.actor.username == "root"


@pytest.mark.usefixtures("weekdays")
def test_changing_a_step_in_the_admin_warns_again_and_the_page_lists_the_gaps(
    admin: Client,
) -> None:
    # given the queue saved with its evening gap (the warnings read)
    admin.post(reverse("admin:routing_queue_add"), _queue_form(), follow=True)
    queue = Queue.objects.get(code="evening")
    step = queue.overflow_steps.get()
    url = reverse("admin:routing_queue_change", args=[queue.pk])

    # when the step's hours are narrowed to Monday 08:00-18:00
    form = _queue_form(
        **{
            "overflow_steps-INITIAL_FORMS": 1,
            "overflow_steps-0-id": step.pk,
            "overflow_steps-0-queue": queue.pk,
            "overflow_steps-0-hours": "mon 08:00-18:00",
        }
    )
    response = admin.post(url, form, follow=True)
    assert response.redirect_chain, response.context["errors"]

    # then the warnings follow the new hours, and the step's change is audited
    warnings = [m for m in _messages(response) if m.startswith("Nobody")]
    assert warnings == [
        "Nobody can answer queue Evening on Monday 18:00–22:00: no overflow step is open then.",
        "Nobody can answer queue Evening from Tuesday to Friday, 08:00–22:00: no overflow step "
        "is open then.",
    ]
    entry = AuditEntry.objects.get(action="overflowstep.admin_update")
    assert (entry.changes["queue"], entry.changes["hours"]) == ("evening", "mon 08:00-18:00")

    # and the queue's page lists them (here in French)
    User.objects.filter(username="root").update(language="fr")
    page = admin.get(url).content.decode()
    assert 'data-testid="reachability"' in page
    assert "Personne ne peut répondre à la file Soir le lundi 18:00–22:00" in page
    assert "du mardi au vendredi, 08:00–22:00" in page


def test_a_queue_without_gaps_says_so_on_its_page(admin: Client) -> None:
    admin.post(
        reverse("admin:routing_queue_add"),
        _queue_form(opening_hours="mon 08:00-20:00", **{"overflow_steps-0-hours": ""}),
    )
    queue = Queue.objects.get(code="evening")

    page = admin.get(reverse("admin:routing_queue_change", args=[queue.pk])).content.decode()

    assert "Somebody can be reached whenever the queue is open" in page
    assert "Nobody can answer" not in page
