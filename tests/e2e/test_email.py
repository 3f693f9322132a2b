"""E-mail in the agent's browser: a message with scripts arrives over SMTP, is offered and
shown, and nothing in it runs; the agent answers with the editor and an attachment, and the
relay receives the reply (docs/email.md)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from relais.apps.email.models import Mailbox, MailMessage, SendState
from relais.apps.email.outbox import outbox_deliver_due
from relais.apps.email.receiver import receiver_start
from relais.apps.routing.models import Channel
from tests.apps.conftest import World
from tests.apps.email.conftest import ADDRESS, Relay, _free_port
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

HOSTILE = (
    '<p id="greeting" onmouseover="window.top.pwned=1">Bonjour, voici ma facture.'
    '<script>window.top.pwned = 1; document.title = "pwned"</script></p>'
    '<img src="x" onerror="window.top.pwned=1"><a href="javascript:window.top.pwned=1">ici</a>'
)


@pytest.fixture
def mail_server(world: World, asgi_server: str, settings: Any, tmp_path: Any) -> Iterator[Any]:
    settings.MAIL_DIR = tmp_path / "mail"
    queue = orders_queue(world, code="courriel", channel=Channel.EMAIL)
    Mailbox.objects.create(queue=queue, address=ADDRESS, display_name="Maison")
    relay = Relay()
    outgoing = Controller(relay, hostname="127.0.0.1", port=_free_port())
    outgoing.start()
    settings.MAIL_RELAY = f"127.0.0.1:{outgoing.port}"
    receiver = receiver_start("127.0.0.1", 0)
    yield receiver, relay
    receiver.stop()
    outgoing.stop()


SENT = {
    "fr": "Réponse enregistrée : elle part maintenant par le relais.",
    "en": "Reply saved: it leaves through the relay now.",
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_agent_sees_a_hostile_email_inert_and_answers_it(
    mail_server: Any, asgi_server: str, world: World, browser: Any, language: str
) -> None:
    receiver, relay = mail_server
    user = world.agents["lille0"].user
    user.language = language
    user.save()
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    context.set_default_timeout(15_000)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, asgi_server, user)
    page.goto(f"{asgi_server}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    page.select_option("[data-testid=state]", "available")

    message = EmailMessage()
    message["From"] = "Jeanne Martin <jeanne@example.com>"
    message["To"] = ADDRESS
    message["Subject"] = "Facture"
    message["Message-ID"] = "<hostile.1@example.com>"
    message.set_content("Bonjour, voici ma facture.")
    message.add_alternative(HOSTILE, subtype="html")
    with smtplib.SMTP(receiver.hostname, receiver.port) as smtp:
        smtp.send_message(message)

    page.get_by_test_id("accept").click()
    body = page.get_by_test_id("mail-body").first
    expect(body).to_be_visible()
    frame = page.frame_locator("[data-testid=mail-body]").first
    expect(frame.locator("p").first).to_contain_text("voici ma facture")
    frame.locator("p").first.hover()
    assert page.evaluate("window.pwned") is None
    assert page.title() != "pwned"
    assert dialogs == []
    assert_accessible(page)

    page.get_by_test_id("mail-editor").click()
    page.keyboard.type("Merci, nous regardons votre facture.")
    page.get_by_test_id("mail-files").set_input_files(
        files=[{"name": "devis.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    send = page.get_by_test_id("mail-send")
    send.scroll_into_view_if_needed()  # the page scrolls smoothly: a click's own scroll misses
    with page.expect_response(lambda response: response.url.endswith("/reply")) as answered:
        send.click()
    assert answered.value.status == 201
    expect(page.get_by_test_id("mail-status")).to_have_text(SENT[language])
    expect(page.get_by_test_id("mail")).to_have_count(2)
    reply = MailMessage.objects.get(direction="outbound")
    assert "nous regardons votre facture" in reply.text
    assert outbox_deliver_due() == {"sent": 1}
    assert relay.received[0]["In-Reply-To"] == "<hostile.1@example.com>"
    reply.refresh_from_db()
    assert reply.state == SendState.SENT
    context.close()
