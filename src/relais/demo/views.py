"""The demo shop “Maison Lumière”: a brand's page with the chat widget on it, its customer
signed in (the widget's signed identity), and the brand's CRM the desktop's screen-pop opens
(docs/integrations.md)."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relais.apps.chat.identity import identity_sign

#: The customer signed in on the demo shop with `?signed_in=1` (without it: a guest).
DEMO_CUSTOMER_ID = "MLU-20417"
DEMO_CUSTOMER_NAME = "Camille Durand"
IDENTITY_LIFETIME_S = 600  # the shop signs a fresh token with every page


def boutique(request: HttpRequest) -> HttpResponse:
    """`?lang=en` for the English page; `?queue=code` preselects that queue's topic;
    `?signed_in=1`: the demo customer is signed in, and the widget carries their identity."""
    language = "en" if str(request.GET.get("lang") or "fr").startswith("en") else "fr"
    queue = request.GET.get("queue", "")[:40]
    guest = not request.GET.get("signed_in")
    identity = (
        ""
        if guest
        else identity_sign(
            customer_id=DEMO_CUSTOMER_ID,
            name=DEMO_CUSTOMER_NAME,
            expires=int(time.time()) + IDENTITY_LIFETIME_S,
            secret=settings.WIDGET_IDENTITY_SECRET,
        )
    )
    context = {
        "shop_language": language,
        "queue": queue,
        "identity": identity,
        "customer_name": "" if guest else DEMO_CUSTOMER_NAME,
    }
    return render(request, "demo/boutique.html", context)


def crm_customer(request: HttpRequest, customer_id: str) -> HttpResponse:
    """The brand's CRM record of a customer (a made-up one), in the reader's language."""
    order = request.GET.get("order", "")[:40]
    known = customer_id == DEMO_CUSTOMER_ID
    context = {
        "customer_id": customer_id[:100],
        "name": DEMO_CUSTOMER_NAME if known else "",
        "order": order,
        "orders": [("ML-88213", "Suspension Opaline", 189), ("ML-87102", "Lampe Céleste", 79)]
        if known
        else [],
    }
    return render(request, "demo/crm_customer.html", context)
