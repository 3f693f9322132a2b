"""Exporting everything held about a customer, and retention per queue and data kind."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.chat.models import ChatMessage
from relais.apps.compliance.export import customer_export
from relais.apps.compliance.models import DataKind, RetentionRule
from relais.apps.compliance.retention import retention_apply
from relais.apps.email.models import MailAttachment, MailMessage
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.quality.models import CriterionScore, Evaluation
from relais.apps.voice.models import Call
from tests.apps.compliance.people import ATTACHMENT, JEANNE, JEANNE_NUMBER, people_make
from tests.apps.conftest import World
from tests.apps.satisfaction.making import handled


def test_the_export_holds_the_customers_data_and_nothing_of_another(world: World) -> None:
    # given Jeanne's data and Paul's
    people = people_make(world)
    # when an administrator exports Jeanne's
    archive = customer_export(
        actor=world.users["administrator"], given=JEANNE, reason="Demande d'accès n° 7"
    )
    # then the zip holds her contacts, words, e-mail, attachment, call and survey
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        names = opened.namelist()
        document = json.loads(opened.read("customer.json"))
        attachment = next(n for n in names if n.startswith("attachments/"))
        assert opened.read(attachment) == ATTACHMENT
    text = json.dumps(document)
    assert document["customer_key"] == JEANNE
    assert [c["id"] for c in document["contacts"]] == [c.pk for c in people.jeanne]
    for trace in (
        "12 rue des Lilas",
        "Jeanne rappelle demain",
        "ma facture est fausse",
        JEANNE_NUMBER,
        "Merci, Jeanne Martin",
        "facture.pdf",
    ):
        assert trace in text, trace
    # and nothing of Paul, nor the evaluation of the agent
    assert "Paul" not in text
    assert "paul" not in text
    assert "pressée" not in text
    # and the export is audited
    entry = AuditEntry.objects.get(action="customer.export")
    assert entry.actor == world.users["administrator"]
    assert entry.changes == {"contacts": 3, "attachments": 1}
    assert "jeanne" not in entry.object_id


def test_only_administrators_export(world: World) -> None:
    people_make(world)
    for role in ("director", "quality_analyst", "partner_manager", "supervisor", "agent"):
        with pytest.raises(RelaisError) as refused:
            customer_export(actor=world.users[role], given=JEANNE, reason="x")
        assert refused.value.status == 403
    with pytest.raises(RelaisError) as unknown:
        customer_export(actor=world.users["administrator"], given="nobody@example.com", reason="x")
    assert unknown.value.status == 404


def _holding() -> dict[str, Any]:
    return {
        "bodies": sorted(ChatMessage.objects.exclude(body="").values_list("contact_id", flat=True)),
        "attachments": MailAttachment.objects.count(),
        "emails": MailMessage.objects.exclude(text="").count(),
        "callers": Call.objects.exclude(caller="").count(),
        "comments": Evaluation.objects.exclude(comment="").count(),
    }


def test_retention_scrubs_only_what_is_past_its_rule(world: World, settings: Any) -> None:
    # given contacts that ended 3 days ago (Jeanne's, Paul's) and one that ended yesterday
    people = people_make(world)
    recent = handled(
        people.chat, [world.agents["lille0"]], at=timezone.now() - dt.timedelta(days=1)
    )
    ChatMessage.objects.create(
        contact=recent, seq=1, sender="customer", body="hier", created_at=recent.created_at
    )
    # and rules: transcripts 2 days for every queue but the chat queue's own 10 days;
    # attachments 2 days; calls 1 day; e-mail texts and evaluations 30 days
    RetentionRule.objects.create(kind=DataKind.TRANSCRIPTS, days=2)
    RetentionRule.objects.create(kind=DataKind.TRANSCRIPTS, queue=people.chat, days=10)
    RetentionRule.objects.create(kind=DataKind.ATTACHMENTS, days=2)
    RetentionRule.objects.create(kind=DataKind.CALLS, days=1)
    RetentionRule.objects.create(kind=DataKind.EMAILS, days=30)
    RetentionRule.objects.create(kind=DataKind.EVALUATIONS, days=30)
    before = _holding()
    scores = list(CriterionScore.objects.values_list("points", flat=True))
    # when retention runs dry, then it counts and changes nothing
    dry = retention_apply(dry_run=True)
    assert dry == {"transcripts": 0, "attachments": 1, "emails": 0, "calls": 1, "evaluations": 0}
    assert _holding() == before
    assert not AuditEntry.objects.filter(action="retention.apply").exists()
    # when it runs for real, then what was past its rule, and only that, is gone
    assert retention_apply() == dry
    after = _holding()
    assert after == {**before, "attachments": 0, "callers": 0}
    assert list(CriterionScore.objects.values_list("points", flat=True)) == scores
    assert AuditEntry.objects.get(action="retention.apply").changes == dry
    # and ten days on, the chat queue's transcripts go too, the recent one's included
    later = timezone.now() + dt.timedelta(days=10)
    assert retention_apply(now=later)["transcripts"] > 0
    assert _holding()["bodies"] == []
    assert Contact.objects.count() == 5  # the contacts themselves stay


def test_the_retention_command_runs_dry(world: World, capsys: Any) -> None:
    people_make(world)
    RetentionRule.objects.create(kind=DataKind.CALLS, days=1)
    call_command("gdpr", "retention", "--dry-run")
    assert "would scrub" in capsys.readouterr().out
    assert Call.objects.exclude(caller="").count() == 1
