"""The desk streams' hand-written statements (deskstream/queries.py) give the rows of their
ORM equivalents (the KEY SHARE lock is PostgreSQL's)."""

from __future__ import annotations

import pytest

from relais.apps.chat import services as chat
from relais.apps.chat.schemas import StartForm
from relais.apps.deskstream import queries
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop import services as desk
from relais.apps.interactions.models import Contact
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open

pytestmark = pytest.mark.django_db


def _offered(chat_world: ChatWorld) -> tuple[int, int]:
    """A chat offered to Camille: its contact id, and her agent id."""
    agent = chat_world.agent("lille0")
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")
    form = StartForm(topic="commande", name="Ana", message="Bonjour", client_id="c0")
    session, _ = chat.chat_start(form=form)
    chat_world.router.step()
    return session.contact_id, agent.pk


@pytest.mark.pg  # make test-pg (FOR KEY SHARE is PostgreSQL's)
def test_the_contact_held_under_key_share_is_the_orms(chat_world: ChatWorld) -> None:
    # given an offered chat, and a contact id that does not exist
    contact_id, agent_id = _offered(chat_world)
    for candidate in (contact_id, contact_id + 1000):
        # when its state and agent are read by hand and by the ORM
        by_hand = queries.contact_key_shared(candidate)
        orm = Contact.objects.filter(pk=candidate).values_list("state", "agent_id").first()
        # then they agree
        assert by_hand == orm
    assert queries.contact_key_shared(contact_id) == ("offered", agent_id)


def test_a_key_recorded_is_the_orms(chat_world: ChatWorld) -> None:
    # given Camille's stream holding an offer's key
    _, agent_id = _offered(chat_world)
    key = (
        DeskEvent.objects.filter(agent_id=agent_id).exclude(key="").values_list("key", flat=True)[0]
    )
    for keys in ([key], ["offer:none", key], ["offer:none"]):
        # when the keys are looked for by hand and by the ORM
        by_hand = queries.key_recorded(agent_id, keys)
        orm = DeskEvent.objects.filter(agent_id=agent_id, key__in=keys).exists()
        # then they agree
        assert by_hand == orm
    assert queries.key_recorded(agent_id, [key])
    assert not queries.key_recorded(agent_id + 1000, [key])
