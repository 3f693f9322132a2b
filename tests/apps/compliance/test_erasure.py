"""Erasing a customer (issue 25, finding 2): nothing of theirs is left in any kind of data,
another customer's is untouched, and the figures are the same before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.audit.services import audit_verify_chain
from relais.apps.chat.models import ChatMessage, ChatSession
from relais.apps.chat.selectors import session_for_token
from relais.apps.compliance.erasure import customer_erase
from relais.apps.desktop.models import InternalNote
from relais.apps.email.models import MailAttachment, MailMessage, MailThread
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.quality.models import CriterionScore, Evaluation
from relais.apps.reporting.models import IntervalStat
from relais.apps.reporting.stats import intervals_recompute
from relais.apps.satisfaction.fcr import judgements_rebuild
from relais.apps.satisfaction.models import FcrJudgement, SurveyAnswer
from relais.apps.voice.models import Call
from tests.apps.compliance.people import JEANNE, JEANNE_NUMBER, PAUL, People, people_make
from tests.apps.conftest import World


def _figures(people: People) -> dict[str, Any]:
    """Every figure the reports, the satisfaction league, FCR and quality read."""
    start = timezone.now() - dt.timedelta(days=5)
    intervals_recompute(start, timezone.now())
    judgements_rebuild(window_days=7, as_of=timezone.now())
    stats = sorted(
        tuple(sorted((k, str(v)) for k, v in row.items() if k != "id"))
        for row in IntervalStat.objects.values()
    )
    return {
        "stats": stats,
        "fcr": sorted(FcrJudgement.objects.values_list("contact_id", "outcome")),
        "answers": sorted(
            SurveyAnswer.objects.values_list("invitation__contact_id", "agent_csat", "nps")
        ),
        "scores": sorted(CriterionScore.objects.values_list("evaluation_id", "points")),
        "messages": ChatMessage.objects.count(),
        "emails": MailMessage.objects.count(),
        "calls": sorted(Call.objects.values_list("contact_id", "created_at", "ended_at")),
        "contacts": sorted(
            Contact.objects.values_list("id", "queue_id", "agent_id", "created_at", "closed_at")
        ),
    }


def _text_of_everything() -> str:
    """Every stored text that could hold a customer's data."""
    parts: list[Any] = [
        *Contact.objects.values_list("customer_reference", "customer_key", "attributes"),
        *ChatSession.objects.values_list("customer_name", "email"),
        *ChatMessage.objects.values_list("body", "author_name"),
        *InternalNote.objects.values_list("body", flat=True),
        *MailThread.objects.values_list("customer_address", "customer_name", "subject"),
        *MailMessage.objects.values_list("from_address", "from_name", "to_address", "text"),
        *MailAttachment.objects.values_list("filename", flat=True),
        *Call.objects.values_list("caller", "dialog"),
        *SurveyAnswer.objects.values_list("comment", flat=True),
        *Evaluation.objects.values_list("comment", flat=True),
        *AuditEntry.objects.values_list("object_id", "changes", "reason"),
    ]
    return str(parts)


def test_erasing_a_customer_leaves_nothing_of_them_and_the_figures_unchanged(
    world: World, settings: Any
) -> None:
    # given Jeanne's chats, e-mail with attachment, call, survey and evaluation, and Paul's chat
    people = people_make(world)
    before = _figures(people)
    everything = _text_of_everything()
    assert "Jeanne" in everything
    assert JEANNE_NUMBER in everything
    stored = [settings.MAIL_DIR / a.stored_as for a in MailAttachment.objects.all()]
    assert all(path.exists() for path in stored)
    # when an administrator erases Jeanne
    counts = customer_erase(
        actor=world.users["administrator"],
        given="jeanne.martin@example.com",
        reason="Demande RGPD n° 42",
        confirm="jeanne.martin@example.com",
    )
    # then nothing names her, nothing she wrote is left, her files are gone
    after_text = _text_of_everything()
    for trace in ("Jeanne", "jeanne", JEANNE_NUMBER, "12 rue des Lilas", "CMD-1234", "facture"):
        assert trace not in after_text, trace
    assert not any(path.exists() for path in stored)
    assert counts["contacts"] == 3
    assert counts["attachments"] == 1
    # and her old chat token replays nothing
    with pytest.raises(RelaisError) as unknown:
        session_for_token(f"token-{people.jeanne[0].pk}")
    assert unknown.value.code.value == "bad_token"  # not merely expired: it names nothing
    # and Paul's data is untouched
    assert "Paul Durand" in after_text
    assert PAUL in after_text
    assert ChatSession.objects.get(pk=people.paul[0].pk).customer_name == "Paul Durand"
    # and every figure is the same
    assert _figures(people) == before
    # and the erasure is audited without naming her, the chain holding
    entry = AuditEntry.objects.get(action="customer.erase")
    assert entry.reason == "Demande RGPD n° 42"
    assert entry.changes["contacts"] == 3
    assert audit_verify_chain() is None


def test_erasure_is_refused_without_confirmation_to_others_and_while_in_progress(
    world: World,
) -> None:
    people = people_make(world)
    admin = world.users["administrator"]
    with pytest.raises(RelaisError) as refused:
        customer_erase(actor=admin, given=JEANNE, reason="x", confirm="jeanne")
    assert refused.value.code.value == "not_confirmed"
    for role in ("director", "supervisor", "partner_manager", "agent"):
        with pytest.raises(RelaisError) as refused:
            customer_erase(actor=world.users[role], given=JEANNE, reason="x", confirm=JEANNE)
        assert refused.value.status == 403
    with pytest.raises(RelaisError) as refused:
        customer_erase(actor=admin, given=JEANNE, reason=" ", confirm=JEANNE)
    assert refused.value.code.value == "reason_required"
    Contact.objects.filter(pk=people.jeanne[0].pk).update(state=ContactState.ACCEPTED)
    with pytest.raises(RelaisError) as refused:
        customer_erase(actor=admin, given=JEANNE, reason="x", confirm=JEANNE)
    assert refused.value.status == 409
    assert ChatMessage.objects.filter(body__contains="CMD-1234").exists()  # nothing erased
    assert not AuditEntry.objects.filter(action="customer.erase").exists()


def test_the_gdpr_command_erases_with_the_administrator_named(world: World) -> None:
    people_make(world)
    with pytest.raises(CommandError, match="--by"):
        call_command("gdpr", "erase", JEANNE, "--reason", "x", "--yes")
    call_command("gdpr", "erase", JEANNE, "--reason", "x", "--yes", "--by", "admin")
    assert not Contact.objects.filter(customer_key=JEANNE).exists()
    with pytest.raises(CommandError, match="jeanne"):
        call_command("gdpr", "erase", JEANNE, "--reason", "x", "--yes", "--by", "admin")
