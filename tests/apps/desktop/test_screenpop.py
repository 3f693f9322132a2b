"""The queue's screen-pop link (issue 18): validated on save, filled URL-encoded, and never
carrying a field the agent's masking hides."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from relais.apps.desktop.screenpop import screen_pop
from relais.apps.interactions.models import Contact
from relais.apps.routing.screenpop import validate_screen_pop
from relais.core.privacy import CLOSED, OPEN, Masking

TEMPLATE = "https://crm.example/c/{customer_id}?order={order}&tel={phone}"


@pytest.mark.parametrize(
    "template",
    [
        "javascript:alert(1)//{customer_id}",
        "ftp://crm.example/{customer_id}",
        "https://{customer_id}.crm.example/",
        "https://crm.example/{password}",
        "/relative/{customer_id}",
    ],
)
def test_a_bad_template_is_refused(template: str) -> None:
    with pytest.raises(ValidationError):
        validate_screen_pop(template)


def test_a_good_template_is_accepted() -> None:
    validate_screen_pop(TEMPLATE)
    validate_screen_pop("")


def _contact(order: str = "ML 88/213") -> Contact:
    return Contact(customer_key="id:C 42&x", attributes={"order": order})


def test_the_link_is_filled_url_encoded() -> None:
    pop = screen_pop(
        template=TEMPLATE, contact=_contact(), email="", phone="+33 6 12", masking=OPEN
    )
    assert pop.url == "https://crm.example/c/C%2042%26x?order=ML%2088%2F213&tel=%2B33%206%2012"


def test_a_masked_field_withholds_the_link() -> None:
    pop = screen_pop(
        template=TEMPLATE, contact=_contact(), email="", phone="+33 6 12", masking=CLOSED
    )
    assert (pop.url, pop.withheld) == ("", True)
    phone_only = Masking(surname=False, email=False, phone=True, address=False)
    without_phone = "https://crm.example/c/{customer_id}"
    pop = screen_pop(
        template=without_phone, contact=_contact(), email="", phone="+33 6 12", masking=phone_only
    )
    assert pop.url == "https://crm.example/c/C%2042%26x"


def test_an_order_the_policy_hides_withholds_the_link() -> None:
    card = "4111 1111 1111 1111"  # a card number: masked for everybody
    pop = screen_pop(template=TEMPLATE, contact=_contact(card), email="", phone="", masking=OPEN)
    assert pop.withheld
