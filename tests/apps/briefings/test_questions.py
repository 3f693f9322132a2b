"""Check questions: every answer recorded, a wrong one keeps the briefing unacknowledged (and
the agent held back) and counts in the partner's figures; pages escape what authors write."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.briefings.diff import diff_html
from relais.apps.briefings.models import CheckAnswer, Delivery
from relais.apps.briefings.selectors import Audience, briefing_progress, knowledge_latency
from relais.apps.briefings.services import Question, briefing_acknowledge, publish_briefing
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.routing.holds import QueueHold
from relais.apps.routing.models import Queue
from tests.apps.conftest import World, logged_in

RETURNS = Question("Combien de jours pour un retour ?", ["30", "60", "90"], 1)
GIFT = Question("Les cartes cadeaux sont-elles remboursées ?", ["Oui", "Non"], 1)


def _briefing(world: World, commandes: Queue, **changes: object):  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = {
        "author": world.users["director"],
        "title": "Retours à 60 jours",
        "summary": "Les retours sont acceptés 60 jours.",
        "queues": [commandes],
        "audience": Audience(partners=[world.atlas]),
        "blocking": True,
        "questions": [RETURNS, GIFT],
    }
    arguments.update(changes)
    return publish_briefing(**arguments)  # type: ignore[arg-type]


def test_a_wrong_answer_keeps_the_agent_held_and_counts_for_the_partner(
    world: World, commandes: Queue
) -> None:
    # given a blocking briefing with two check questions for Atlas Contact's agents
    briefing = _briefing(world, commandes)
    rabat0 = world.agents["rabat0"]
    returns, gift = briefing.questions.order_by("order")
    # when the agent answers one question wrongly
    result = briefing_acknowledge(
        actor=rabat0.user, briefing_id=briefing.pk, answers={returns.pk: 0, gift.pk: 1}
    )
    # then it is not acknowledged, the passage is to be read again, the answers are kept
    assert (result.acknowledged, result.wrong) == (False, (returns.pk,))
    assert QueueHold.objects.filter(agent=rabat0).exists()
    assert sorted(CheckAnswer.objects.values_list("choice", "correct")) == [(0, False), (1, True)]
    # when the agent handles a contact, then answers right
    Contact.objects.create(
        channel=commandes.channel, queue=commandes, priority=0, created_at=timezone.now(),
        state="accepted", accepted_at=timezone.now(), agent=rabat0, site_id=rabat0.site_id,
        partner_id=world.atlas.pk,
    )  # fmt: skip
    result = briefing_acknowledge(
        actor=rabat0.user, briefing_id=briefing.pk, answers={returns.pk: 1, gift.pk: 1}
    )
    # then it is acknowledged and the agent is free for the queue
    assert result.acknowledged
    assert not QueueHold.objects.filter(agent=rabat0).exists()
    assert CheckAnswer.objects.count() == 4
    assert list(
        AuditEntry.objects.filter(action__startswith="briefings.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["briefings.publish", "briefings.answer", "briefings.acknowledge"]
    # and the wrong answer counts in Atlas Contact's figures, which its manager sees alone
    manager = world.users["partner_manager"]
    (row,) = briefing_progress(viewer=manager, briefing=briefing)
    assert (row.partner, row.site, row.delivered, row.acknowledged, row.wrong_answers) == (
        "Atlas Contact",
        "Rabat",
        2,
        1,
        1,
    )
    assert row.contacts_before == 1  # handled before acknowledging
    (latency,) = knowledge_latency(viewer=manager)
    assert (latency.delivered, latency.acknowledged, latency.contacts_before) == (2, 1, 1)
    assert latency.mean_latency_s is not None


def test_unanswered_questions_are_refused(world: World, commandes: Queue) -> None:
    briefing = _briefing(world, commandes)
    with pytest.raises(RelaisError) as refused:
        briefing_acknowledge(actor=world.agents["rabat0"].user, briefing_id=briefing.pk)
    assert refused.value.code == "invalid_answer"
    assert not Delivery.objects.filter(acknowledged_at__isnull=False).exists()


def test_a_briefing_reaches_only_its_audience(world: World, commandes: Queue) -> None:
    briefing = _briefing(world, commandes)
    reached = set(Delivery.objects.filter(briefing=briefing).values_list("agent_id", flat=True))
    assert reached == {world.agents["rabat0"].pk, world.agents["rabat1"].pk}
    with pytest.raises(RelaisError) as refused:
        briefing_acknowledge(actor=world.agents["lille0"].user, briefing_id=briefing.pk)
    assert refused.value.code == "briefing_not_found"


def test_a_supervisor_briefs_only_their_teams(world: World, commandes: Queue) -> None:
    briefing = _briefing(world, commandes, author=world.users["supervisor"], audience=Audience())
    reached = set(Delivery.objects.filter(briefing=briefing).values_list("agent_id", flat=True))
    assert reached == {world.agents["lille0"].pk, world.agents["lille1"].pk}


@pytest.mark.parametrize("role", ["agent", "planner", "partner_manager"])
def test_only_publishers_publish(world: World, commandes: Queue, role: str) -> None:
    with pytest.raises(RelaisError) as refused:
        _briefing(world, commandes, author=world.users[role])
    assert refused.value.code == "publishing_not_allowed"


def test_what_authors_write_is_rendered_inert(world: World, commandes: Queue) -> None:
    # given a briefing whose title, text, diff and question carry markup
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    briefing = _briefing(
        world,
        commandes,
        title=f"Titre {payload}",
        summary=f"Texte {payload}",
        diff=[["=", "Avant"], ["+", payload], ["-", "<b>ancien</b>"]],
        questions=[Question(f"Question {payload}", [payload, "Non"], 1)],
    )
    # when the agent's desk and the director's page show it
    desk = logged_in(world.agents["rabat0"].user).get(reverse("briefings:desk")).content.decode()
    detail = logged_in(world.users["director"]).get(reverse("briefings:detail", args=[briefing.pk]))
    # then no markup of theirs reaches the page, and the diff marks its changes
    for html in (desk, detail.content.decode()):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<ins>&lt;script&gt;" in desk
    assert "<del>&lt;b&gt;ancien&lt;/b&gt;</del>" in desk


def test_the_diff_is_checked() -> None:
    assert str(diff_html([["=", "a"], ["=", "b"], ["+", "c"]])) == "a b <ins>c</ins>"
    with pytest.raises(ValueError, match="not a diff entry"):
        diff_html([["?", "a"]])


def test_the_agent_acknowledges_from_the_desk(world: World, commandes: Queue) -> None:
    briefing = _briefing(world, commandes, questions=[RETURNS])
    (question,) = briefing.questions.all()
    client = logged_in(world.agents["rabat0"].user)
    url = reverse("briefings:acknowledge", args=[briefing.pk])
    wrong = client.post(url, {f"q{question.pk}": "2"}).json()
    assert (wrong["acknowledged"], wrong["wrong"]) == (False, [question.pk])
    again = client.get(reverse("briefings:desk") + f"?reread={briefing.pk}").content.decode()
    assert "desk-briefing-reread" in again
    assert client.post(url, {f"q{question.pk}": "1"}).json()["acknowledged"] is True
    assert 'data-testid="briefings-none"' in client.get(reverse("briefings:desk")).content.decode()
