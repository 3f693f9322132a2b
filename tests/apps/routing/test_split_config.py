"""The volume split in the routing configuration: validation, the engine's view, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relais.apps.accounts.models import Role
from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.routing.config import engine_queue
from relais.apps.routing.models import SplitShare, validate_split_shares
from tests.apps.conftest import World, logged_in
from tests.apps.factories import UserFactory
from tests.apps.routing.fixtures import orders_queue
from tests.apps.routing.split_fixtures import split_queue


def test_the_engine_gets_the_queues_split(world: World) -> None:
    queue = split_queue(world)
    split = engine_queue(queue).split
    assert split is not None
    assert [(s.label, s.percent) for s in split.shares] == [
        (f"partner:{world.atlas.pk}", 40.0),
        (f"partner:{world.carpathia.pk}", 35.0),
        (f"site:{world.lille.pk}", 25.0),
    ]
    assert (split.wait_bound_s, split.window, split.tolerance_pct) == (10.0, 500, 2.0)


def test_a_queue_without_shares_has_no_split(world: World) -> None:
    assert engine_queue(orders_queue(world)).split is None


def test_shares_that_do_not_sum_to_100_are_refused_by_the_engine_view(world: World) -> None:
    queue = split_queue(world)
    SplitShare.objects.filter(site=world.lille).update(percent=20)
    with pytest.raises(RelaisError) as refused:
        engine_queue(queue)
    assert refused.value.code == "invalid_routing_configuration"


@pytest.mark.parametrize(
    ("shares", "english", "french"),
    [
        ([(1, None, 60), (None, 2, 30)], "sum to 90 %, not 100 %", "totalisent 90 %"),
        ([(1, None, 50), (1, None, 50)], "each partner or site once", "une seule fois"),
        ([(1, None, 100)], "at least two shares", "au moins deux parts"),
    ],
)
def test_a_bad_split_is_explained_in_both_languages(
    shares: list[tuple[int | None, int | None, int]], english: str, french: str
) -> None:
    for language, text in (("en", english), ("fr", french)):
        with translation.override(language):
            with pytest.raises(ValidationError) as refused:
                validate_split_shares(shares)
            message = refused.value.messages[0]
        assert text in message, (language, message)


def test_no_shares_at_all_is_no_split() -> None:
    validate_split_shares([])


def test_a_share_names_a_partner_or_a_site(world: World) -> None:
    queue = orders_queue(world)
    share = SplitShare(queue=queue, partner=world.atlas, site=world.lille, percent=50)
    with pytest.raises(ValidationError):
        share.clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        share.save()


def _admin_form(queue_pk: int | None, shares: list[tuple[str, str, int]]) -> dict[str, str]:
    data = {
        "code": "split",
        "name_fr": "Partagée",
        "name_en": "Split",
        "channel": "voice",
        "priority": "0",
        "service_level_percent": "80",
        "service_level_seconds": "20",
        "time_zone": "Europe/Paris",
        "strategy": "longest_idle",
        "offer_timeout_seconds": "15",
        "wrap_up_seconds": "0",
        "customer_grace_seconds": "60",
        "exhausted_action": "keep_waiting",
        "exhausted_after_seconds": "0",
        "split_wait_bound_seconds": "12",
        "split_window_contacts": "300",
        "split_tolerance_points": "2",
        "active": "on",
    }
    for prefix in ("skill_levels", "overflow_steps"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {"split_shares-TOTAL_FORMS": str(len(shares)), "split_shares-INITIAL_FORMS": "0"}
    for index, (partner, site, percent) in enumerate(shares):
        data |= {
            f"split_shares-{index}-partner": partner,
            f"split_shares-{index}-site": site,
            f"split_shares-{index}-percent": str(percent),
        }
    return data


@pytest.fixture
def admin(world: World) -> Client:
    """A superuser who reads English: the Django admin is theirs."""
    root = UserFactory(
        username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, language="en"
    )
    return logged_in(root)


def test_the_administrator_saves_a_split_and_it_is_audited(world: World, admin: Client) -> None:
    client = admin
    shares = [(str(world.atlas.pk), "", 60), ("", str(world.lille.pk), 40)]
    response = client.post(reverse("admin:routing_queue_add"), _admin_form(None, shares))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert SplitShare.objects.filter(queue__code="split").count() == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"queue.admin_create", "splitshare.admin_create"} <= actions


def test_the_administrator_is_told_why_a_split_is_refused(world: World, admin: Client) -> None:
    shares = [(str(world.atlas.pk), "", 60), ("", str(world.lille.pk), 30)]
    response = admin.post(reverse("admin:routing_queue_add"), _admin_form(None, shares))
    assert response.status_code == 200
    assert "sum to 90 %, not 100 %" in response.content.decode()
    assert not SplitShare.objects.exists()


def test_the_router_rebuilds_a_split_queue_with_its_last_offers(world: World) -> None:
    from django.utils import timezone

    from relais.apps.router.rebuild import rebuild
    from relais.core.clock import VirtualClock
    from tests.apps.routing.split_fixtures import answered

    # given a split queue whose last three contacts went twice to Atlas, once to Lille
    queue = split_queue(world)
    now = timezone.now()
    answered(queue, world.agents["lille0"], now)
    answered(queue, world.agents["rabat0"], now, 2)
    # when the router rebuilds its engine from the record
    engine = rebuild(VirtualClock(now)).engine
    # then the engine's window holds them
    status = engine.split_status(queue.code)
    assert status is not None
    assert [s.offers for s in status] == [2, 0, 1]
