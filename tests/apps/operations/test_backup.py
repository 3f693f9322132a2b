"""`relais backup` of a demo database with chats, e-mails and attachments, restored by
`relais restore` into a fresh database and data directory (another process): the same
contacts, messages and files, and an audit chain that verifies (apps/audit)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from relais.apps.accounts.models import User
from relais.apps.audit.keys import audit_key
from relais.apps.chat.schemas import StartForm
from relais.apps.chat.services import chat_start, customer_message
from relais.apps.email.models import MailAttachment
from relais.apps.email.receiving import mail_receive
from relais.apps.email.storage import attachment_path
from relais.apps.interactions import services
from relais.apps.interactions.models import Contact
from relais.demo.company import load_demo_company
from relais.demo.mail import DEMO_MAIL_ADDRESS, load_demo_mail
from relais.demo.queues import load_demo_queues

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% bon de commande 1234\n" + bytes(range(256)) * 8


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's engine: its URL (PostgreSQL: created, then dropped)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'fresh' / 'relais.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"relais_restore_{uuid.uuid4().hex[:10]}"
    admin = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"] or "postgres",
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    user = admin["user"]
    password = f":{admin['password']}" if admin["password"] else ""
    try:
        yield f"postgres://{user}{password}@{admin['host']}:{admin['port']}/{name}"
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def customer_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Jeanne Martin <jeanne@example.com>"
    message["To"] = DEMO_MAIL_ADDRESS
    message["Subject"] = "Commande 1234"
    message["Message-ID"] = "<backup.1@example.com>"
    message.set_content("Bonjour, voici mon bon de commande.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="bon.pdf")
    return message.as_bytes()


def demo_with_traffic(settings: Any, data_dir: Path) -> None:
    """The demo company, two chats with messages, an e-mail with an attachment."""
    settings.MAIL_DIR = data_dir / "mail"
    load_demo_company()
    load_demo_queues()
    load_demo_mail()
    for name in ("Jeanne Martin", "Paul Durand"):
        session, _ = chat_start(
            form=StartForm(topic="commande", name=name, message="Bonjour", client_id="first")
        )
        customer_message(session=session, body="Ma commande n'est pas arrivée.", client_id="2")
    mail_receive(
        raw=customer_mail(), envelope_from="jeanne@example.com", recipients=[DEMO_MAIL_ADDRESS]
    )
    admin = User.objects.get(username="admin")
    services.contact_create(actor=admin, queue_code="commandes", customer_reference="C-42")


def restore(backup: Path, url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    # the new machine is given the audit chain's secret key, as docs/production.md asks
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RELAIS_DATA_DIR": str(data_dir),
        "RELAIS_AUDIT_KEY": audit_key().decode(),
    }
    for name in (
        "RELAIS_MAIL_DIR",
        "RELAIS_VOICE_PROMPTS_DIR",
        "REDIS_URL",
        "RELAIS_AUDIT_KEY_FILE",
    ):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "relais.cli", "restore", "--from", str(backup)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_backup_restored_into_a_fresh_database_has_the_same_contacts_messages_files_and_audit(
    settings: Any, tmp_path: Path, fresh_database: str
) -> None:
    demo_with_traffic(settings, tmp_path / "source")
    contacts = sorted(Contact.objects.values_list("id", "channel", "state"))
    assert len(contacts) == 4  # two chats, an e-mail, a contact from the API
    attachment = MailAttachment.objects.get()
    assert attachment_path(attachment.stored_as).read_bytes() == PDF

    call_command("backup", "--to", str(tmp_path / "backup"), stdout=io.StringIO())
    done = restore(tmp_path / "backup", fresh_database, tmp_path / "fresh")

    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["rows_match"] is True
    assert found["audit_chain_intact"] is True
    assert found["rows"]["audit.AuditEntry"] > 0
    assert found["rows"]["chat.ChatMessage"] >= 4
    assert found["rows"]["email.MailAttachment"] == 1
    again = restored(fresh_database, 'SELECT "id", "channel", "state" FROM "interactions_contact"')
    assert sorted(again) == contacts
    bodies = restored(fresh_database, 'SELECT "body" FROM "chat_chatmessage" ORDER BY "id"')
    assert ("Ma commande n'est pas arrivée.",) in bodies
    stored_as = restored(fresh_database, 'SELECT "stored_as" FROM "email_mailattachment"')
    assert (tmp_path / "fresh" / "mail" / stored_as[0][0]).read_bytes() == PDF


def test_a_tampered_backup_is_refused(settings: Any, tmp_path: Path, fresh_database: str) -> None:
    demo_with_traffic(settings, tmp_path / "source")
    call_command("backup", "--to", str(tmp_path / "backup"), stdout=io.StringIO())
    archive = tmp_path / "backup" / "files.tar.gz"
    archive.write_bytes(archive.read_bytes() + b"\0")

    done = restore(tmp_path / "backup", fresh_database, tmp_path / "fresh")

    assert done.returncode != 0
    assert "files.tar.gz" in done.stderr  # named, in either language
    assert "SHA-256" in done.stderr
