"""Call detail in the contact's event log, labelled in the reader's language: in the
contact's API and in the desktop's previous contacts of the same caller."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from relais.apps.desktop import selectors as desk
from relais.apps.interactions.timeline import contact_timeline
from relais.apps.voice import control
from tests.apps.conftest import logged_in
from tests.apps.routing.fixtures import Routing
from tests.apps.voice.conftest import DIALLED, login

CALLER = "+33612345678"


def handled_call(phone: Routing, n: int, key: str = "lille0") -> int:
    agent = phone.world.agents[key]
    ticket = control.call_arrived(number=DIALLED, caller=CALLER, call_id=f"c{n}@op")
    phone.step()
    control.call_ringing(contact_id=ticket.contact_id, agent_id=agent.pk)
    control.call_answered(contact_id=ticket.contact_id, agent_id=agent.pk)
    phone.step()
    return ticket.contact_id


def test_the_call_detail_reads_in_french_and_english(phone: Routing) -> None:
    login(phone, "lille0")
    contact = handled_call(phone, 1)
    control.call_event(contact_id=contact, kind="dtmf", digits="12")
    control.call_ended(contact_id=contact, by="caller")

    with translation.override("en"):
        english = [(e.label, e.detail) for e in contact_timeline(contact)]
    with translation.override("fr"):
        french = [(e.label, e.detail) for e in contact_timeline(contact)]

    assert ("Call answered", "") in english
    assert ("Keypad tones", "2 keys") in english
    assert ("Call ended", "hung up by the caller") in english
    assert ("Appel décroché", "") in french
    assert ("Touches du clavier", "2 touches") in french
    assert ("Appel terminé", "raccroché par l’appelant") in french


def test_the_contact_api_gives_its_events_in_the_reader_s_language(phone: Routing) -> None:
    login(phone, "lille0")
    contact = handled_call(phone, 1)
    director = phone.world.users["director"]
    director.language = "fr"
    director.save()

    answer = logged_in(director).get(f"/api/v1/contacts/{contact}/events")

    assert answer.status_code == 200
    labels = [e["label"] for e in answer.json()]
    assert labels[0] == "Contact créé"
    assert "Le téléphone du conseiller sonne" in labels
    assert "Appel décroché" in labels


def test_a_previous_call_of_the_same_caller_shows_its_detail_on_the_desktop(
    phone: Routing,
) -> None:
    login(phone, "lille0")
    lille0 = phone.world.agents["lille0"]
    first = handled_call(phone, 1)
    control.call_agent_lost(contact_id=first, agent_id=lille0.pk, reason="browser_gone")
    phone.step()
    control.call_ended(contact_id=first, by="caller")
    phone.step()
    second = handled_call(phone, 2)

    panel = desk.customer_panel(viewer=lille0.user, contact_id=second)
    assert [p.contact_id for p in panel.previous] == [first]
    with translation.override("en"):
        transcript = desk.previous_transcript(
            viewer=lille0.user, contact_id=second, previous_id=first
        )

    lines = [(e.kind, e.detail) for e in transcript.events]
    assert ("call.agent_lost", "the agent's browser closed") in lines
    assert ("contact.requeued", "the agent's browser closed") in lines
    assert ("call.ended", "hung up by the caller") in lines


def test_the_coaching_page_shows_the_agent_s_call_masked_for_a_partner_s_supervisor(
    phone: Routing,
) -> None:
    login(phone, "rabat0")  # nobody at Lille: the Atlas step at once
    contact = handled_call(phone, 1, key="rabat0")
    supervisor = phone.world.users["supervisor_atlas"]
    supervisor.language = "fr"
    supervisor.save()
    url = reverse("supervision:coaching", args=[phone.world.agents["rabat0"].pk])

    page = logged_in(supervisor).get(url).content.decode()

    assert f'data-testid="coach-call-{contact}"' in page
    assert "•••78" in page  # a partner's supervisor: masked
    assert CALLER not in page
    assert "Appel décroché" in page
    lille_supervisor = logged_in(phone.world.users["supervisor"])
    assert lille_supervisor.get(url).status_code == 404  # not their agent
