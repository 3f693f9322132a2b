"""The second factor (TOTP, recovery codes): required for administrators, directors, partner
managers and superusers, optional for the others (issue 15, finding 6)."""

from __future__ import annotations

import re

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.apps.accounts.models import User
from relais.apps.audit.models import AuditEntry
from tests.apps.conftest import World, logged_in, totp_code, totp_device_for
from tests.apps.factories import PASSWORD, UserFactory


def password_only(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_a_director_with_only_a_password_reaches_no_page_and_no_api(world: World) -> None:
    client = password_only(world.users["director"])

    page = client.get("/reports/")
    api = client.get("/api/v1/sites")

    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/two-factor/?next=/reports/")
    assert (api.status_code, api.json()["code"]) == (403, "two_factor_required")


def test_without_a_device_the_director_is_sent_to_enrol(world: World) -> None:
    client = password_only(world.users["director"])

    response = client.get("/accounts/two-factor/?next=/reports/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/enrol/")


def test_enrolment_shows_a_qr_code_and_refuses_a_wrong_code(world: World) -> None:
    director = world.users["director"]
    client = password_only(director)

    page = client.get("/accounts/two-factor/enrol/")
    wrong = client.post("/accounts/two-factor/enrol/", {"code": "000000"})

    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    key = re.search(r'data-testid="manual-key">([A-Z2-7 ]+)<', page.content.decode())
    assert key is not None
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=director, confirmed=True).exists()
    assert client.get("/reports/").status_code == 302


def test_enrolment_confirmed_gives_ten_recovery_codes_and_the_pages(world: World) -> None:
    director = world.users["director"]
    client = password_only(director)
    client.get("/accounts/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=director, confirmed=False)

    confirmed = client.post(
        "/accounts/two-factor/enrol/", {"code": code_of(device), "next": "/reports/"}
    )

    codes = re.findall(r"<li><code>(\w+)</code></li>", confirmed.content.decode())
    assert confirmed.status_code == 200
    assert len(codes) == 10
    assert client.get("/reports/").status_code == 200
    assert client.get("/api/v1/sites").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.enrol").count() == 1


def test_a_wrong_code_is_refused_and_the_right_one_opens_the_session(world: World) -> None:
    admin = world.users["administrator"]
    device = totp_device_for(admin)
    client = password_only(admin)

    wrong = client.post("/accounts/two-factor/", {"code": "123456", "next": "/reports/"})
    blocked = client.get("/reports/")
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp slows retries after a failure
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "/reports/"})

    assert wrong.status_code == 200
    assert blocked.status_code == 302
    assert (right.status_code, right["Location"]) == (302, "/reports/")
    assert client.get("/reports/").status_code == 200


def test_a_recovery_code_works_once(world: World) -> None:
    manager = world.users["partner_manager"]
    enrolled = password_only(manager)
    enrolled.get("/accounts/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    page = enrolled.post("/accounts/two-factor/enrol/", {"code": code_of(device)})
    recovery = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())[0]

    first = password_only(manager)
    used = first.post("/accounts/two-factor/", {"code": recovery.upper()})  # as typed
    second = password_only(manager)
    reused = second.post("/accounts/two-factor/", {"code": recovery})

    assert used.status_code == 302
    assert first.get("/reports/").status_code == 200
    assert reused.status_code == 200
    assert second.get("/reports/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(world: World) -> None:
    director = world.users["director"]
    client = password_only(director)
    client.get("/accounts/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=director, confirmed=False)
    first = client.post("/accounts/two-factor/enrol/", {"code": code_of(device)})
    old = re.findall(r"<li><code>(\w+)</code></li>", first.content.decode())

    again = client.post("/accounts/two-factor/recovery-codes/")
    new = re.findall(r"<li><code>(\w+)</code></li>", again.content.decode())
    retry = password_only(director).post("/accounts/two-factor/", {"code": old[0]})

    assert len(new) == 10
    assert not set(old) & set(new)
    assert retry.status_code == 200  # refused: the old code is gone


def test_a_planner_signs_in_with_a_password_and_may_enrol(world: World) -> None:
    planner = world.users["planner"]
    client = password_only(planner)

    security = client.get("/accounts/security/")
    client.get("/accounts/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=planner, confirmed=False)
    client.post("/accounts/two-factor/enrol/", {"code": code_of(device)})
    later = password_only(planner)

    assert security.status_code == 200
    assert client.get("/planning/").status_code == 200
    assert later.get("/planning/").status_code == 302  # enrolled: the code is asked from now on


def test_the_shared_sign_in_helper_goes_through_the_second_factor(world: World) -> None:
    client = logged_in(world.users["administrator"])

    assert client.get("/reports/").status_code == 200
    assert client.get("/api/v1/sites").status_code == 200


def test_an_administrator_removes_a_lost_authenticator_audited_without_seeing_it(
    world: World,
) -> None:
    root = UserFactory(username="root", role="administrator", is_staff=True, is_superuser=True)
    lost = totp_device_for(world.users["director"])
    admin = logged_in(root)

    page = admin.get(f"/admin/otp_totp/totpdevice/{lost.pk}/change/")
    deleted = admin.post(f"/admin/otp_totp/totpdevice/{lost.pk}/delete/", {"post": "yes"})
    again = password_only(world.users["director"]).get("/accounts/two-factor/")

    assert page.status_code == 200
    assert lost.key not in page.content.decode()  # the secret stays the person's
    assert deleted.status_code == 302
    assert AuditEntry.objects.filter(action="totpdevice.admin_delete").count() == 1
    assert again["Location"].startswith("/accounts/two-factor/enrol/")
