"""The public help centre (no sign-in, rendered on the server, indexable) and the chat
widget's self-service calls (docs/knowledge.md)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from relais.apps.errors import RelaisError
from relais.apps.knowledge import selectors, selfservice
from relais.apps.knowledge.access import PUBLIC_READER
from relais.apps.knowledge.errors import ErrorCode
from relais.apps.knowledge.hooks import featured_article_ids
from relais.apps.knowledge.models import Article, ArticleFeedback
from relais.apps.knowledge.rendering import markdown_render, markdown_text
from relais.apps.knowledge.search import article_search

LANGUAGES = ("fr", "en")


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "") or (translation.get_language() or "fr")[:2]
    return wanted if wanted in LANGUAGES else "fr"


def _summary(article: Article, length: int = 180) -> str:
    text = markdown_text(article.current_version.body if article.current_version else "")
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    query = request.GET.get("q", "").strip()[:200]
    with translation.override(language):
        results = (
            article_search(
                reader=PUBLIC_READER, query=query, limit=10, language=language, public_only=True
            )
            if query
            else []
        )
        return render(
            request,
            "knowledge/help/index.html",
            {
                "language": language,
                "query": query,
                "results": [(a, _summary(a)) for a in results],
                "topics": selectors.help_topics(language=language),
                "featured": selectors.featured_public_articles(
                    language=language, ids=featured_article_ids()
                ),
            },
        )


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item = selectors.public_article_get(slug=slug)
    except RelaisError as error:
        raise Http404 from error
    with translation.override(item.language):
        return render(
            request,
            "knowledge/help/article.html",
            {
                "language": item.language,
                "article": item,
                "version": item.current_version,
                "html": markdown_render(item.current_version.body),  # type: ignore[union-attr]
                "description": _summary(item, 155),
                "thanks": request.GET.get("thanks") == "1",
            },
        )


@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Did this help?" — yes or no, no sign-in."""
    try:
        item = selectors.public_article_get(slug=slug)
    except RelaisError as error:
        raise Http404 from error
    with transaction.atomic():
        ArticleFeedback.objects.create(
            article=item, helpful=request.POST.get("helpful") == "yes", at=timezone.now()
        )
    return redirect(reverse("help:article", args=[item.slug]) + "?thanks=1#feedback")


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@csrf_exempt
@require_POST
def suggest(request: HttpRequest) -> JsonResponse:
    """The widget's first message → a self-service session and up to three suggestions."""
    body = _json(request)
    question = str(body.get("message", "")).strip()
    if not question:
        error = RelaisError(ErrorCode.QUESTION_REQUIRED)
        return JsonResponse(error.as_dict(), status=error.status)
    _, token, found = selfservice.selfservice_start(
        question=question,
        language=str(body.get("language", "fr")),
        email=str(body.get("email", ""))[:254],
        identity=str(body.get("identity", ""))[:2000],
    )
    return JsonResponse(
        {
            "session": token,
            "suggestions": [
                {
                    "title": a.current_version.title,  # type: ignore[union-attr]
                    "summary": _summary(a, 140),
                    "url": reverse("help:article", args=[a.slug]),
                }
                for a in found
            ],
        },
        status=201,
    )


@csrf_exempt
@require_POST
def resolved(request: HttpRequest) -> JsonResponse:
    """ "That answers my question": the session ends, resolved by the customer's word."""
    try:
        selfservice.selfservice_resolve(token=str(_json(request).get("session", "")))
    except RelaisError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def escalated(request: HttpRequest) -> JsonResponse:
    """ "Talk to an agent": the chat started (its customer token) carries the suggestions."""
    body = _json(request)
    try:
        selfservice.selfservice_escalate(
            token=str(body.get("session", "")), chat_token=str(body.get("chat", ""))
        )
    except RelaisError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse({"ok": True})
