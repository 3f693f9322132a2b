"""The demo shop “Maison Lumière”: a brand's page with the chat widget on it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def boutique(request: HttpRequest) -> HttpResponse:
    """`?lang=en` for the English page; `?queue=code` preselects that queue's topic."""
    language = "en" if str(request.GET.get("lang") or "fr").startswith("en") else "fr"
    queue = request.GET.get("queue", "")[:40]
    return render(request, "demo/boutique.html", {"shop_language": language, "queue": queue})
