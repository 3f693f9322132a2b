"""Who the customer is, across channels (interactions/identity.py)."""

from __future__ import annotations

import pytest

from relais.apps.interactions import services as interactions
from relais.apps.interactions.identity import customer_key
from relais.apps.routing.models import Queue
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue


@pytest.mark.parametrize(
    ("reference", "brand_id", "key"),
    [
        ("Jeanne.Martin@Example.com ", "", "email:jeanne.martin@example.com"),
        ("06 12 34 56 78", "", "tel:+33612345678"),
        ("06.12.34.56.78", "", "tel:+33612345678"),
        ("+33 6 12 34 56 78", "", "tel:+33612345678"),
        ("0033612345678", "", "tel:+33612345678"),
        ("212612345678", "", "tel:+212612345678"),
        ("sip:+33612345678@trunk.example;user=phone", "", "tel:+33612345678"),
        ("jeanne@example.com", "C-1042", "id:C-1042"),
        ("anonymous", "", ""),
        ("", "", ""),
        ("12", "", ""),
        ("jeanne@localhost", "", ""),
    ],
)
def test_a_customer_is_known_by_the_brands_id_else_their_address_or_number(
    reference: str, brand_id: str, key: str
) -> None:
    assert customer_key(reference, brand_id=brand_id) == key


def test_a_new_contact_carries_its_customer_key(world: World) -> None:
    queue: Queue = orders_queue(world)
    by_phone = interactions.contact_create(
        actor=None, queue=queue, customer_reference="06 12 34 56 78"
    )
    vouched = interactions.contact_create(
        actor=None, queue=queue, customer_reference="jeanne@example.com", customer_id="C-7"
    )
    by_phone.refresh_from_db()
    vouched.refresh_from_db()
    assert (by_phone.customer_key, vouched.customer_key) == ("tel:+33612345678", "id:C-7")
    assert vouched.customer_reference == "jeanne@example.com"
