"""The compliance pages: the audit log searched by an administrator, sign-ins and views of a
customer's record in it, a customer exported and erased from the page."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.test import Client
from django.urls import reverse

from relais.apps.audit.models import AuditEntry
from relais.apps.interactions.models import Contact
from tests.apps.compliance.people import JEANNE, people_make
from tests.apps.conftest import World, logged_in


def test_sign_ins_are_audited_and_a_failure_keeps_no_password(world: World) -> None:
    agent = world.users["agent"]
    agent.set_password("Un-mot-de-passe-2026")
    agent.save()
    Client().post(reverse("accounts:login"), {"username": agent.username, "password": "Faux-2026!"})
    Client(REMOTE_ADDR="192.0.2.7").post(
        reverse("accounts:login"), {"username": agent.username, "password": "Un-mot-de-passe-2026"}
    )
    failed = AuditEntry.objects.get(action="sign_in.failed")
    assert failed.changes["username"] == agent.username
    assert failed.object_id == str(agent.pk)
    assert "Faux-2026!" not in str(AuditEntry.objects.values_list("changes", "reason"))
    success = AuditEntry.objects.get(action="sign_in.success")
    assert success.actor == agent
    assert success.changes == {"address": "192.0.2.7"}


def test_the_administrator_searches_and_exports_the_audit_log(world: World) -> None:
    # given a customer's record read through the API by a director, and an administrator
    people = people_make(world)
    director = logged_in(world.users["director"])
    assert director.get(f"/api/v1/contacts/{people.jeanne[0].pk}").status_code == 200
    admin = logged_in(world.users["administrator"])
    # when the administrator filters on the director and the action
    page = admin.get(
        reverse("compliance:audit_log"), {"actor": "director", "action": "contact.view"}
    )
    # then only that view is listed
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="audit-entry"') == 1
    # when they export the same as CSV, then the rows match and the export is audited
    exported = admin.get(
        reverse("compliance:audit_log"),
        {"actor": "director", "action": "contact.view", "format": "csv"},
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(r["actor"], r["action"], r["object_id"]) for r in rows] == [
        ("director", "contact.view", str(people.jeanne[0].pk))
    ]
    assert AuditEntry.objects.filter(
        action="audit.export", actor=world.users["administrator"]
    ).exists()
    # and a date range that excludes today finds nothing
    empty = admin.get(reverse("compliance:audit_log"), {"start": "2001-01-01", "end": "2001-01-02"})
    assert 'data-testid="audit-entry"' not in empty.content.decode()


def test_the_administrator_exports_then_erases_a_customer_from_the_page(
    world: World, settings: Any
) -> None:
    people_make(world)
    admin = logged_in(world.users["administrator"])
    looked_up = admin.get(reverse("compliance:customer"), {"customer": "jeanne.martin@example.com"})
    assert 'data-testid="customer-holdings"' in looked_up.content.decode()
    exported = admin.post(
        reverse("compliance:customer"),
        {"customer": JEANNE, "reason": "Accès n° 7", "action": "export"},
    )
    assert exported["Content-Type"] == "application/zip"
    assert "customer.json" in zipfile.ZipFile(io.BytesIO(exported.content)).namelist()
    # an erasure without the confirmation is refused and erases nothing
    refused = admin.post(
        reverse("compliance:customer"),
        {"customer": JEANNE, "reason": "Effacement n° 8", "confirm": "", "action": "erase"},
    )
    assert refused.status_code == 400
    assert Contact.objects.filter(customer_key=JEANNE).count() == 3
    erased = admin.post(
        reverse("compliance:customer"),
        {"customer": JEANNE, "reason": "Effacement n° 8", "confirm": JEANNE, "action": "erase"},
    )
    assert erased.status_code == 302
    assert not Contact.objects.filter(customer_key=JEANNE).exists()
    assert AuditEntry.objects.get(action="customer.erase").reason == "Effacement n° 8"
