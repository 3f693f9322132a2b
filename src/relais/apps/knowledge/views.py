"""Pages of the knowledge base for signed-in people, and the desktop panel's JSON
(docs/knowledge.md). An article outside what the viewer may read: 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.apps.errors import RelaisError
from relais.apps.knowledge import panel, selectors, services
from relais.apps.knowledge.access import may_publish, may_write, reader_for
from relais.apps.knowledge.errors import ErrorCode
from relais.apps.knowledge.forms import ArticleForm
from relais.apps.knowledge.models import Article, ArticleStatus
from relais.apps.knowledge.rendering import markdown_render, markdown_text
from relais.apps.knowledge.search import article_search

View = Callable[..., HttpResponse]


def _refusal(request: HttpRequest, error: RelaisError) -> HttpResponse:
    if error.code is ErrorCode.NOT_FOUND:
        raise Http404(error.message)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(error.as_dict(), status=error.status)
    messages.error(request, error.message)
    return render(request, "knowledge/refused.html", {"error": error}, status=error.status)


def _refusals(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RelaisError as error:
            return _refusal(request, error)

    return wrapped


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    if query:
        articles: list[Article] = article_search(
            reader=reader_for(request.user), query=query, limit=30
        )
    else:
        articles = list(selectors.article_list(viewer=request.user))
    return render(
        request,
        "knowledge/index.html",
        {
            "articles": [(a, selectors.article_is_stale(a)) for a in articles],
            "query": query,
            "may_write": may_write(request.user),
            "stale": selectors.stale_articles(viewer=request.user).count()
            if may_write(request.user)
            else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@_refusals
def create(request: HttpRequest) -> HttpResponse:
    if not may_write(request.user):
        raise RelaisError(ErrorCode.PERMISSION_DENIED)
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        article = services.article_create(actor=request.user, fields=form.fields_value())
        return redirect("knowledge:article", article.pk)
    return render(request, "knowledge/form.html", {"form": form, "article": None})


@login_required
@require_http_methods(["GET", "POST"])
@_refusals
def edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = selectors.article_get(viewer=request.user, article_id=article_id)
    if not may_write(request.user):
        raise RelaisError(ErrorCode.PERMISSION_DENIED)
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_for(article))
    if request.method == "POST" and form.is_valid():
        services.article_update(actor=request.user, article=article, fields=form.fields_value())
        return redirect("knowledge:article", article.pk)
    return render(request, "knowledge/form.html", {"form": form, "article": article})


@login_required
@require_GET
@_refusals
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    item = selectors.article_get(viewer=request.user, article_id=article_id)
    writer = may_write(request.user)
    version = item.current_version
    shown_title = item.title if writer else version.title if version else ""
    shown_body = item.body if writer else version.body if version else ""
    return render(
        request,
        "knowledge/article.html",
        {
            "article": item,
            "title": shown_title,
            "html": markdown_render(shown_body),
            "stale": selectors.article_is_stale(item),
            "may_write": writer,
            "may_publish": may_publish(request.user),
            "is_reviewer": item.reviewers.filter(pk=getattr(request.user, "pk", 0)).exists(),
            "reviewers": list(item.reviewers.all()),
            "approved": set(item.approvals.values_list("reviewer_id", flat=True)),
            "statuses": ArticleStatus,
            "versions": list(item.versions.order_by("-number")[:20]),
        },
    )


_STEPS: dict[str, Callable[..., Any]] = {
    "submit": services.article_submit,
    "approve": services.article_approve,
    "return": services.article_return,
    "publish": services.article_publish,
    "archive": services.article_archive,
}


@login_required
@require_POST
@_refusals
def step(request: HttpRequest, article_id: int, action: str) -> HttpResponse:
    """One step of the workflow: submit, approve, return, publish, archive."""
    if action not in _STEPS:
        raise Http404
    item = selectors.article_get(viewer=request.user, article_id=article_id)
    _STEPS[action](actor=request.user, article=item)
    return redirect("knowledge:article", item.pk)


@login_required
@require_GET
@_refusals
def compare(request: HttpRequest, article_id: int) -> HttpResponse:
    """Two versions compared word by word (?old=1&new=2; default: the last two)."""
    versions = list(selectors.version_list(viewer=request.user, article_id=article_id))
    if not versions:
        raise Http404
    try:
        new = int(request.GET.get("new", versions[0].number))
        old = int(request.GET.get("old", versions[min(1, len(versions) - 1)].number))
    except ValueError as error:
        raise Http404 from error
    comparison = selectors.version_compare(
        viewer=request.user, article_id=article_id, old=old, new=new
    )
    return render(
        request,
        "knowledge/compare.html",
        {"article": versions[0].article, "comparison": comparison, "versions": versions},
    )


@login_required
@require_POST
@_refusals
def image_upload(request: HttpRequest, article_id: int) -> HttpResponse:
    item = selectors.article_get(viewer=request.user, article_id=article_id)
    if not may_write(request.user):
        raise RelaisError(ErrorCode.PERMISSION_DENIED)
    upload = request.FILES.get("image")
    if upload is None:
        raise RelaisError(ErrorCode.INVALID_IMAGE)
    image = services.image_upload(
        actor=request.user, article=item, name=upload.name or "", data=upload.read()
    )
    url = reverse("knowledge:image", args=[image.pk])
    return JsonResponse({"id": image.pk, "url": url, "markdown": f"![]({url})"}, status=201)


@require_GET
@_refusals
def image(request: HttpRequest, image_id: int) -> HttpResponse:
    """An article's image, to those who may read the article (public ones: to anyone)."""
    found = selectors.image_get(viewer=request.user, image_id=image_id)
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


# The desktop's knowledge panel (JSON) ----------------------------------------------------------


def _panel_item(item: Article) -> dict[str, Any]:
    version = item.current_version
    return {
        "id": item.pk,
        "title": version.title if version else item.title,
        "kind": item.get_kind_display(),
        "url": request_free_url(item),
    }


def request_free_url(item: Article) -> str:
    """The link an agent may give a customer: the help centre's page for a public article,
    else the article's page in Relais (for colleagues)."""
    if item.audience == "public":
        return reverse("help:article", args=[item.slug])
    return reverse("knowledge:article", args=[item.pk])


@login_required
@require_GET
def panel_search(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "").strip()[:200]
    found = panel.panel_search(viewer=request.user, query=query) if query else []
    return JsonResponse({"articles": [_panel_item(a) for a in found]})


@login_required
@require_GET
@_refusals
def panel_suggestions(request: HttpRequest, contact_id: int) -> JsonResponse:
    found = panel.panel_suggestions(viewer=request.user, contact_id=contact_id)
    return JsonResponse({"articles": [_panel_item(a) for a in found]})


@login_required
@require_GET
@_refusals
def panel_article(request: HttpRequest, article_id: int) -> JsonResponse:
    item = selectors.article_get(viewer=request.user, article_id=article_id)
    version = item.current_version
    if version is None:
        raise RelaisError(ErrorCode.NOT_FOUND)
    return JsonResponse(
        {
            **_panel_item(item),
            "html": markdown_render(version.body),
            "text": markdown_text(version.body),
        }
    )


@login_required
@require_POST
@_refusals
def panel_use(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
        article_id, contact_id = int(body["article"]), int(body["contact"])
        kind = str(body.get("kind", ""))
    except (ValueError, KeyError, TypeError) as error:
        raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="use") from error
    use = panel.article_use_record(
        viewer=request.user, article_id=article_id, contact_id=contact_id, kind=kind
    )
    return JsonResponse({"id": use.pk}, status=201)
