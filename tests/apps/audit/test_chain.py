"""The audit log is a keyed chain, anchored outside the database (issue 25, finding 1):
editing an entry, computing every digest again without the key, deleting the last entries or
moving entries is detected; `relais audit verify` fails with the reason."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from relais.apps.audit.chain import GENESIS, UNKEYED, entry_payload
from relais.apps.audit.models import AuditEntry
from relais.apps.audit.services import audit_anchor, audit_record, audit_verify_chain
from relais.apps.audit.verification import Problem, chain_verify, chain_verify_since_anchor
from relais.apps.organisation.services import partner_create, partner_update
from tests.apps.conftest import World


def _entries(world: World, count: int) -> list[AuditEntry]:
    admin = world.users["administrator"]
    partner = partner_create(actor=admin, fields={"name": "Tunis Relation", "country": "TN"})
    for index in range(count - 1):
        partner_update(actor=admin, partner=partner, fields={"contact_name": f"Salma {index}"})
    return list(AuditEntry.objects.order_by("id"))


def _unkeyed_rewrite() -> None:
    """What an attacker with the database and not the key does: SHA-256 every digest again."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id"):
        text = previous + json.dumps(
            entry_payload(entry), sort_keys=True, separators=(",", ":"), default=str
        )
        digest = hashlib.sha256(text.encode()).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(previous_digest=previous, digest=digest)
        previous = digest


def test_the_chain_verifies_and_detects_an_edited_entry(world: World) -> None:
    _entries(world, 2)
    assert audit_verify_chain() is None

    entry = AuditEntry.objects.get(action="partner.update")
    AuditEntry.objects.filter(pk=entry.pk).update(changes={"contact_name": [None, "Someone else"]})

    verdict = chain_verify()
    assert verdict.problem == Problem.DIGEST
    assert verdict.entry_id == entry.pk


def test_digests_computed_again_without_the_key_fail(world: World) -> None:
    # given a keyed chain, edited, then every digest computed again as the old chain did
    entries = _entries(world, 3)
    AuditEntry.objects.filter(pk=entries[1].pk).update(reason="nothing happened")
    _unkeyed_rewrite()
    # when it is verified, then the first entry already fails: its digest is not keyed
    verdict = chain_verify()
    assert (verdict.problem, verdict.entry_id) == (Problem.DIGEST, entries[0].pk)


def test_digests_rewritten_as_an_unkeyed_chain_fail_against_the_anchor(world: World) -> None:
    # given a chain anchored, then every entry turned into an unkeyed one and SHA-256 again
    _entries(world, 3)
    assert audit_anchor()[1] is not None
    AuditEntry.objects.update(chain_version=UNKEYED)
    _unkeyed_rewrite()
    # then the anchor knows the chain had no unkeyed entry
    assert chain_verify().problem == Problem.UNKEYED_AFTER_KEYED


def test_deleting_the_last_entries_fails_against_the_anchor(world: World) -> None:
    # given a chain of four entries, anchored
    entries = _entries(world, 4)
    verdict, anchor = audit_anchor()
    assert verdict.intact
    assert anchor is not None
    assert (anchor.entries, anchor.last_id) == (4, entries[-1].pk)
    # when its last two entries are deleted, the chain itself still links
    AuditEntry.objects.filter(pk__in=[e.pk for e in entries[-2:]]).delete()
    # then only the anchor shows it: truncated
    verdict = chain_verify()
    assert verdict.problem == Problem.TRUNCATED
    assert "4" in verdict.message
    assert "2" in verdict.message
    assert chain_verify(anchors=[]).intact  # without the anchor it would have passed


def test_entries_after_the_anchor_extend_it(world: World) -> None:
    _entries(world, 2)
    audit_anchor()
    admin = world.users["administrator"]
    with transaction.atomic():
        audit_record(actor=admin, action="test.later", obj=admin)
    verdict = chain_verify()
    assert verdict.intact
    assert verdict.entries == 3
    assert verdict.anchors == 1


def test_moved_entries_fail(world: World) -> None:
    # given two entries whose contents are swapped (their ids kept)
    first, second = _entries(world, 3)[1:]
    fields = ["at", "action", "changes", "reason", "previous_digest", "digest"]
    a = {f: getattr(first, f) for f in fields}
    b = {f: getattr(second, f) for f in fields}
    AuditEntry.objects.filter(pk=second.pk).update(digest="moving")
    AuditEntry.objects.filter(pk=first.pk).update(**b)
    AuditEntry.objects.filter(pk=second.pk).update(**a)
    # then the chain's links break where they were moved
    verdict = chain_verify()
    assert (verdict.problem, verdict.entry_id) == (Problem.LINK, first.pk)


def test_a_chain_of_unkeyed_entries_carries_on_keyed(world: World) -> None:
    # given entries written before the key (the migration marks them version 1)
    _entries(world, 2)
    AuditEntry.objects.update(chain_version=UNKEYED)
    _unkeyed_rewrite()
    last_unkeyed = AuditEntry.objects.order_by("-id").first()
    assert last_unkeyed is not None
    # when a keyed entry follows, then it links to the last unkeyed one and the chain holds
    admin = world.users["administrator"]
    with transaction.atomic():
        keyed = audit_record(actor=admin, action="test.keyed", obj=admin)
    assert keyed.previous_digest == last_unkeyed.digest
    assert chain_verify().intact
    _verdict, anchor = audit_anchor()
    assert anchor is not None
    assert anchor.unkeyed_last_id == last_unkeyed.pk


def test_the_audit_command_verifies_and_anchors(world: World, settings: object) -> None:
    entries = _entries(world, 3)
    call_command("audit", "anchor")
    call_command("audit", "verify")
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    with pytest.raises(CommandError, match=r"FAILED.*(deleted|supprimées)") as failed:
        call_command("audit", "verify")
    assert failed.value.returncode == 1
    with pytest.raises(CommandError, match="FAILED"):
        call_command("audit", "anchor")  # a failing chain is not anchored


def test_the_key_file_is_made_once_private(world: World, settings: object) -> None:
    _entries(world, 1)
    path = settings.AUDIT_KEY_FILE  # type: ignore[attr-defined]
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(path.read_text().strip()) >= 40
    assert (settings.AUDIT_ANCHOR_FILE).exists() is False  # type: ignore[attr-defined]


def test_the_periodic_anchor_walks_only_what_follows_the_last_one(world: World) -> None:
    # given an anchored chain, then more entries
    entries = _entries(world, 3)
    audit_anchor()
    admin = world.users["administrator"]
    with transaction.atomic():
        later = audit_record(actor=admin, action="test.later", obj=admin)
    # when an entry before the anchor is edited, the walk since the anchor does not see it...
    AuditEntry.objects.filter(pk=entries[0].pk).update(reason="nothing happened")
    since = chain_verify_since_anchor()
    assert since.intact
    assert (since.entries, since.last_id) == (4, later.pk)
    # ...the whole walk does
    assert chain_verify().problem == Problem.DIGEST


def test_the_walk_since_the_anchor_sees_the_anchored_entry_changed_or_gone(world: World) -> None:
    entries = _entries(world, 3)
    audit_anchor()
    AuditEntry.objects.filter(pk=entries[-1].pk).update(digest="rewritten")
    assert chain_verify_since_anchor().problem == Problem.ANCHOR_MISMATCH

    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    assert chain_verify_since_anchor().problem == Problem.TRUNCATED


def test_an_entry_after_the_anchor_edited_fails_the_walk_since_it(world: World) -> None:
    _entries(world, 2)
    audit_anchor()
    admin = world.users["administrator"]
    with transaction.atomic():
        later = audit_record(actor=admin, action="test.later", obj=admin)
    AuditEntry.objects.filter(pk=later.pk).update(reason="edited")

    verdict, anchor = audit_anchor(since_last=True)
    assert (verdict.problem, verdict.entry_id) == (Problem.DIGEST, later.pk)
    assert anchor is None


def test_the_duty_walks_the_whole_chain_as_often_as_set(
    world: World, settings: object, caplog: pytest.LogCaptureFixture
) -> None:
    from relais.apps.audit import services

    entries = _entries(world, 2)
    settings.AUDIT_WHOLE_VERIFY_EVERY_S = 3600  # type: ignore[attr-defined]
    services._whole_walk["at"] = float("-inf")
    services.audit_anchor_duty()  # the first turn after a start walks everything
    AuditEntry.objects.filter(pk=entries[0].pk).update(reason="edited")

    services.audit_anchor_duty()  # within the hour: only what follows the anchor
    assert "verification failed" not in caplog.text
    settings.AUDIT_WHOLE_VERIFY_EVERY_S = 0  # type: ignore[attr-defined]
    services.audit_anchor_duty()
    assert "verification failed" in caplog.text
