"""In the browser: an administrator searches the audit log, exports a customer's data and
erases it with the typed confirmation, and looks at retention (issue 25); each page
accessible."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.interactions.models import Contact
from tests.apps.compliance.people import JEANNE, people_make
from tests.apps.conftest import World
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_audits_exports_and_erases_a_customer(
    world: World, new_page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MAIL_DIR = tmp_path / "mail"
    people_make(world)
    administrator = world.users["administrator"]
    administrator.language = "en"
    administrator.save(update_fields=["language"])
    page = new_page("en")
    sign_in(page, live_server.url, administrator)

    # the audit log: the administrator's own sign-in, found by action
    page.goto(f"{live_server.url}/compliance/audit/")
    page.get_by_label("Action", exact=True).fill("sign_in.")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("[data-testid=audit-entry]").first).to_contain_text("sign_in.success")
    assert_accessible(page)
    page.get_by_test_id("audit-verify").click()
    expect(page.get_by_test_id("messages")).to_contain_text("The audit log holds")

    # a customer looked up, exported, then erased once typed again
    page.goto(f"{live_server.url}/compliance/customer/?customer={JEANNE}")
    expect(page.get_by_test_id("customer-holdings")).to_contain_text("3 contacts are held")
    assert_accessible(page)
    page.get_by_label("Reason").fill("Demande 42")
    with page.expect_download() as download:
        page.get_by_test_id("customer-export").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "customer.json" in archive.namelist()
    page.get_by_label("Type the customer again to confirm the erasure").fill(JEANNE)
    page.get_by_test_id("customer-erase").click()
    expect(page.get_by_test_id("messages")).to_contain_text("erased (3 contacts)")
    assert not Contact.objects.filter(customer_key=JEANNE).exists()

    # retention: no rule yet
    page.goto(f"{live_server.url}/compliance/retention/")
    expect(page.get_by_test_id("retention-due")).to_be_visible()
    assert_accessible(page)
