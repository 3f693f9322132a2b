"""Writing a masking policy: validated, audited, through the service or the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relais.apps.accounts.models import Role
from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.privacy.models import MaskingPolicy
from relais.apps.privacy.services import masking_policy_set
from tests.apps.conftest import World, logged_in
from tests.apps.factories import UserFactory


def test_a_policy_is_written_and_audited_and_an_unchanged_write_records_nothing(
    world: World,
) -> None:
    admin = world.users["administrator"]
    policy = masking_policy_set(actor=admin, site=world.home, fields={"mask_surname": False})
    assert (policy.mask_surname, policy.mask_email) == (False, True)
    entry = AuditEntry.objects.get(action="masking_policy.create")
    assert (entry.actor_id, entry.object_id) == (admin.pk, str(policy.pk))

    masking_policy_set(actor=admin, site=world.home, fields={"mask_surname": False})
    assert AuditEntry.objects.filter(action__startswith="masking_policy.").count() == 1


@pytest.mark.parametrize("patterns", ["(a)\\1", "a*", "x" * 201, "\n".join("p" * 21)])
def test_a_pattern_that_cannot_run_safely_is_refused_and_nothing_written(
    world: World, patterns: str
) -> None:
    with pytest.raises(RelaisError) as refused:
        masking_policy_set(actor=None, partner=world.atlas, fields={"patterns": patterns})
    assert refused.value.code == "invalid_pattern"
    assert refused.value.message
    assert not MaskingPolicy.objects.exists()


def test_a_policy_needs_one_owner(world: World) -> None:
    with pytest.raises(RelaisError) as refused:
        masking_policy_set(actor=None, site=world.home, partner=world.atlas, fields={})
    assert refused.value.code == "site_or_partner"


def test_the_admin_refuses_a_bad_pattern_and_audits_a_good_policy(world: World) -> None:
    root = UserFactory(
        username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, language="en"
    )
    admin_client_ = logged_in(root)
    url = reverse("admin:privacy_maskingpolicy_add")
    form = {
        "site": world.rabat.pk,
        "mask_surname": "on",
        "mask_email": "on",
        "patterns": "(a)\\1",
    }
    refused = admin_client_.post(url, form)
    assert refused.status_code == 200  # the form again, with the error
    assert "not a valid pattern" in refused.content.decode()
    assert not MaskingPolicy.objects.exists()

    saved = admin_client_.post(url, {**form, "patterns": "CLT-\\d{6}"})
    assert saved.status_code == 302
    policy = MaskingPolicy.objects.get(site=world.rabat)
    assert (policy.mask_phone, policy.patterns) == (False, "CLT-\\d{6}")
    assert AuditEntry.objects.filter(action="maskingpolicy.admin_create").exists()
