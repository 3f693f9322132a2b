"""Numbers ring voice queues only; a fixed contact is for desk phones; the admin audits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from relais.apps.accounts.models import Role
from relais.apps.audit.models import AuditEntry
from relais.apps.routing.models import Channel, Queue
from relais.apps.voice.models import AgentLine, LineKind, Number
from relais.apps.voice.selectors import LineTarget, agent_aor, line_target
from tests.apps.conftest import World, logged_in
from tests.apps.factories import UserFactory


def voice_queue(code: str = "phone", channel: str = Channel.VOICE) -> Queue:
    return Queue.objects.create(code=code, name_fr="Téléphone", name_en="Phone", channel=channel)


def test_a_number_rings_a_voice_queue_only(db: None) -> None:
    chat = voice_queue("web", Channel.CHAT)
    number = Number(number="+33199000101", queue=chat)
    with pytest.raises(ValidationError) as refused:
        number.full_clean()
    assert "queue" in refused.value.message_dict

    number.queue = voice_queue()
    number.full_clean()


@pytest.mark.parametrize(
    "written", ["0199000101", "+33 1 99 00 01 01", "+0199000101", "+3319900010112345"]
)
def test_a_number_is_written_in_e164(db: None, written: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Number(number=written, queue=voice_queue()).full_clean()
    assert "number" in refused.value.message_dict


def test_only_a_desk_phone_has_a_fixed_contact(world: World) -> None:
    agent = world.agents["lille0"]
    line = AgentLine(agent=agent, kind=LineKind.BROWSER, static_contact="sip:poste-12@192.0.2.10")
    with pytest.raises(ValidationError):
        line.full_clean()
    line.kind = LineKind.DESK_PHONE
    line.full_clean()
    line.save()
    assert line_target(agent.pk) == LineTarget(LineKind.DESK_PHONE, "sip:poste-12@192.0.2.10")
    other = world.agents["lille1"]  # no line: the desktop's softphone, at its address of record
    assert line_target(other.pk) == LineTarget(LineKind.BROWSER, agent_aor(other.pk))
    assert agent_aor(other.pk) == f"sip:agent-{other.pk}@relais.invalid"
    with pytest.raises(ValidationError):
        AgentLine(agent=other, kind=LineKind.DESK_PHONE, static_contact="poste 12").full_clean()


def test_the_admin_audits_a_new_number(world: World) -> None:
    root = UserFactory(
        username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, language="en"
    )
    queue = voice_queue()
    client = logged_in(root)

    saved = client.post(
        reverse("admin:voice_number_add"),
        {"number": "+33199000101", "queue": queue.pk, "language": "en", "label": "Hotline"},
    )

    assert saved.status_code == 302
    assert Number.objects.get().language == "en"
    assert AuditEntry.objects.filter(action="number.admin_create", actor=root).exists()
