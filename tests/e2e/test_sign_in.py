"""Signing in with the second factor in Chromium: a director enrols (QR code, wrong code
refused, right code, recovery codes), then signs in again with the app's code."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.apps.conftest import World, totp_code, totp_device_for
from tests.apps.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def password_step(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def forgive_the_wrong_code(device: TOTPDevice) -> None:
    """django-otp makes a person wait a second after a wrong code; the test does not wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def test_a_director_enrols_then_signs_in_with_the_apps_code(
    world: World, new_page: Any, live_server: Any
) -> None:
    base = live_server.url
    director = world.users["director"]
    director.language = "en"
    director.save(update_fields=["language"])
    page = new_page("en")

    # the password alone leads to enrolment, not to the page asked for
    password_step(page, base, director.username)
    page.wait_for_url(f"{base}/accounts/two-factor/enrol/**")
    expect(page.get_by_test_id("qr-code").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("manual-key")).not_to_be_empty()
    page.goto(f"{base}/reports/")
    page.wait_for_url(f"{base}/accounts/two-factor/**")
    page.wait_for_url(f"{base}/accounts/two-factor/enrol/**")

    # a wrong code is refused, the right one gives ten recovery codes
    page.fill("#id_code", "000000")
    page.click("form.enrol button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("not valid")
    device = TOTPDevice.objects.get(user=director, confirmed=False)
    forgive_the_wrong_code(device)
    page.fill("#id_code", totp_code(device))
    page.click("form.enrol button[type=submit]")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_test_id("who")).to_contain_text("Director")

    # later: the password, then the code of the app
    page.context.clear_cookies()
    password_step(page, base, director.username)
    page.wait_for_url(f"{base}/accounts/two-factor/**")
    page.fill("#id_code", "123456")
    page.click("form[action='/accounts/two-factor/'] button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("not valid")
    device = totp_device_for(director)
    forgive_the_wrong_code(device)
    page.fill("#id_code", totp_code(device))
    page.click("form[action='/accounts/two-factor/'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/reports/")
    expect(page).to_have_url(f"{base}/reports/")
    expect(page.get_by_test_id("who")).to_be_visible()


def test_a_partner_manager_signs_in_in_french_with_a_recovery_code(
    world: World, new_page: Any, live_server: Any
) -> None:
    base = live_server.url
    manager = world.users["partner_manager"]
    totp_device_for(manager)
    from relais.apps.accounts.services import recovery_codes_regenerate

    codes = recovery_codes_regenerate(actor=manager)
    page = new_page("fr")

    password_step(page, base, manager.username)
    page.wait_for_url(f"{base}/accounts/two-factor/**")
    expect(page.locator("h1")).to_have_text("Second facteur")
    page.fill("#id_code", codes[0])
    page.click("form[action='/accounts/two-factor/'] button[type=submit]")

    page.wait_for_url(f"{base}/")
    expect(page.get_by_test_id("who")).to_be_visible()
