"""The agent desktop's workspace reads and writes (issue 16): the state bar's figures and
queues, colleagues a contact may be transferred to, a previous contact's transcript, canned
replies' variables, broadcasts kept until read, and the demo's canned replies."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from relais.apps.audit.models import AuditEntry
from relais.apps.chat import services as chat
from relais.apps.chat.models import CannedResponse
from relais.apps.chat.schemas import StartForm
from relais.apps.deskstream.events import BroadcastEvent, desk_event_append
from relais.apps.desktop import selectors, today
from relais.apps.desktop import services as desk
from relais.apps.desktop.models import BroadcastRead, WrapUpReason
from relais.apps.errors import RelaisError
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.demo.canned import ENGLISH, FRENCH, load_demo_canned
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open
from tests.apps.signin import logged_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("recording_layer"),
]


def _chat_to(chat_world: ChatWorld, key: str, client_id: str = "c0") -> tuple[Agent, int]:
    """A chat from Jeanne Martin (order ML-2041), offered to `key` and accepted."""
    agent = chat_world.agent(key)
    if client_id == "c0":
        desk_open(agent)
        interactions.agent_login(actor=agent.user, agent=agent)
        chat_world.router.step()
    form = StartForm(
        topic="commande",
        name="Jeanne Martin",
        email="jeanne@example.com",
        message="Bonjour, où en est ma commande ?",
        client_id=client_id,
    )
    session, _ = chat.chat_start(form=form)
    Contact.objects.filter(pk=session.contact_id).update(attributes={"order": "ML-2041"})
    chat_world.router.step()
    assert Contact.objects.get(pk=session.contact_id).agent_id == agent.pk
    desk.desk_accept(actor=agent.user, contact_id=session.contact_id)
    chat_world.router.step()
    return agent, session.contact_id


def _handled(chat_world: ChatWorld, agent: Agent, contact_id: int) -> None:
    WrapUpReason.objects.get_or_create(
        code="resolved", defaults={"label_fr": "Résolu", "label_en": "Resolved"}
    )
    desk.desk_wrap_up(actor=agent.user, contact_id=contact_id, reason="resolved")
    chat_world.router.step()


def test_the_state_bar_counts_the_day_and_the_queues_served(chat_world: ChatWorld) -> None:
    agent, contact_id = _chat_to(chat_world, "lille0")
    before = today.day_figures(viewer=agent.user)
    assert (before.handled, before.average_handle_seconds) == (0, None)
    _handled(chat_world, agent, contact_id)
    handled = Contact.objects.get(pk=contact_id)
    ended = handled.wrap_up_at or handled.closed_at
    assert ended is not None
    Contact.objects.filter(pk=contact_id).update(
        accepted_at=ended - timezone.timedelta(seconds=150)
    )

    figures = today.day_figures(viewer=agent.user)

    assert (figures.handled, figures.average_handle_seconds) == (1, 150.0)
    waiting = {q.code: q.waiting for q in figures.queues}
    assert waiting["orders"] == 0
    # another customer waits: the count says so
    chat.chat_start(form=StartForm(topic="commande", name="Paul", message="Bonjour"))
    assert {q.code: q.waiting for q in today.day_figures(viewer=agent.user).queues}["orders"] == 1
    # tomorrow (local midnight passed) nothing is counted yet
    later = timezone.now() + timezone.timedelta(days=1)
    assert today.day_figures(viewer=agent.user, now=later).handled == 0


def test_transfer_lists_available_colleagues_of_the_site_with_the_skill(
    chat_world: ChatWorld,
) -> None:
    agent, contact_id = _chat_to(chat_world, "lille0")
    colleague = chat_world.agent("lille1")
    contact = Contact.objects.select_related("queue").get(pk=contact_id)
    assert selectors.transfer_colleagues(viewer=agent.user, contact=contact) == []

    desk_open(colleague)
    interactions.agent_login(actor=colleague.user, agent=colleague)
    chat_world.router.step()
    assert selectors.transfer_colleagues(viewer=agent.user, contact=contact) == [colleague]
    panel = selectors.customer_panel(viewer=agent.user, contact_id=contact_id)
    assert [c.agent_id for c in panel.colleagues] == [colleague.pk]
    assert "orders" in [q.code for q in panel.queues]

    # on a break: not offered as a target; without the skill: neither
    desk.desk_presence_set(actor=colleague.user, state="break", reason="lunch")
    assert selectors.transfer_colleagues(viewer=agent.user, contact=contact) == []
    desk.desk_presence_set(actor=colleague.user, state="available")
    colleague.skill_levels.all().delete()
    assert selectors.transfer_colleagues(viewer=agent.user, contact=contact) == []


def test_a_previous_contact_opens_to_its_transcript_for_the_agent_only(
    chat_world: ChatWorld,
) -> None:
    agent, first = _chat_to(chat_world, "bucarest0")
    _handled(chat_world, agent, first)
    _, second = _chat_to(chat_world, "bucarest0", client_id="c1")

    panel = selectors.customer_panel(viewer=agent.user, contact_id=second)
    assert [p.contact_id for p in panel.previous] == [first]
    with translation.override("fr"):  # the outcome's label is in the reader's language
        transcript = selectors.previous_transcript(
            viewer=agent.user, contact_id=second, previous_id=first
        )
    assert transcript.customer_name == "Jeanne M."  # masked for an offshore partner's agent
    assert any("commande" in m.body for m in transcript.messages)
    assert transcript.outcome == "Résolu"
    # a contact that is not this customer's previous one: refused
    with pytest.raises(RelaisError) as refused:
        selectors.previous_transcript(viewer=agent.user, contact_id=second, previous_id=second)
    assert refused.value.code.value == "not_your_contact"
    other = chat_world.agent("bucarest1")
    with pytest.raises(RelaisError):
        selectors.previous_transcript(viewer=other.user, contact_id=second, previous_id=first)


def test_canned_variables_are_filled_from_the_contact_and_stay_masked(
    chat_world: ChatWorld,
) -> None:
    load_demo_canned()
    agent, contact_id = _chat_to(chat_world, "bucarest0")
    agent.user.first_name = "Ioana"
    agent.user.save()
    agent.user._desk_agent = None  # type: ignore[attr-defined]

    panel = selectors.customer_panel(viewer=agent.user, contact_id=contact_id)

    assert panel.variables == {"first_name": "Jeanne", "agent": "Ioana", "order": "ML-2041"}
    assert panel.name == "Jeanne M."  # the surname stays masked
    titles = [c.title for c in panel.canned]
    assert "Retard de livraison" in titles
    assert "Delivery delay" not in titles


def test_broadcasts_stay_until_read(chat_world: ChatWorld) -> None:
    agent = chat_world.agent("lille0")
    for number in (7, 8):
        desk_event_append(
            agent_id=agent.pk,
            event=BroadcastEvent(
                broadcast_id=number,
                message=f"Message {number}",
                sender="Sophie",
                target_kind="team",
                target="Lille A",
                sent_at=timezone.now(),
            ),
            key=f"broadcast:{number}",
        )
    state = selectors.desk_state(viewer=agent.user)
    assert [b["broadcast_id"] for b in state.broadcasts] == [7, 8]

    desk.broadcast_read(actor=agent.user, broadcast_id=7)
    desk.broadcast_read(actor=agent.user, broadcast_id=7)  # again: nothing more

    assert [b["broadcast_id"] for b in selectors.desk_state(viewer=agent.user).broadcasts] == [8]
    assert BroadcastRead.objects.filter(agent=agent).count() == 1
    assert AuditEntry.objects.filter(action="desktop.broadcast_read").count() == 1
    with pytest.raises(RelaisError) as refused:
        desk.broadcast_read(actor=agent.user, broadcast_id=99)
    assert refused.value.code.value == "unknown_broadcast"
    other = chat_world.agent("lille1")
    with pytest.raises(RelaisError):
        desk.broadcast_read(actor=other.user, broadcast_id=8)  # not theirs


def test_the_demo_has_twelve_canned_replies_in_each_language_loaded_once(
    chat_world: ChatWorld,
) -> None:
    assert len(FRENCH) == len(ENGLISH) == 12
    first = load_demo_canned()
    assert set(first.values()) == {"created"}
    assert set(load_demo_canned().values()) == {"unchanged"}
    titles = set(CannedResponse.objects.filter(language="fr").values_list("title", flat=True))
    assert {title for title, _ in FRENCH} <= titles
    assert all("\u202f?" in body or "?" not in body for _, body in FRENCH)


def test_the_pages_reads_answer_in_json_and_refuse_clearly(chat_world: ChatWorld) -> None:
    agent, first = _chat_to(chat_world, "lille0")
    _handled(chat_world, agent, first)
    _, second = _chat_to(chat_world, "lille0", client_id="c1")
    client = logged_in(agent.user)

    summary = client.get("/desktop/summary")
    assert summary.status_code == 200
    assert summary.json()["handled"] == 1
    assert "orders" in [q["code"] for q in summary.json()["queues"]]

    transcript = client.get(f"/desktop/contacts/{second}/previous/{first}")
    assert transcript.status_code == 200
    assert transcript.json()["contact_id"] == first
    colleague = logged_in(chat_world.agent("lille1").user)
    refused = colleague.get(f"/desktop/contacts/{second}/previous/{first}")  # not theirs
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_contact"

    unknown = client.post("/desktop/broadcasts/5/read")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "unknown_broadcast"
    # someone who is not an agent has no figures
    supervisor = logged_in(chat_world.world.users["supervisor"])
    assert supervisor.get("/desktop/summary").json()["code"] == "not_an_agent"
