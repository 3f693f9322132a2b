"""Briefing pages: write and publish (with the simulator's forecast), follow the
acknowledgements live, the agent's briefings on the desktop, knowledge latency."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.briefings import selectors, services
from relais.apps.briefings.access import may_follow, may_publish
from relais.apps.briefings.diff import diff_html
from relais.apps.briefings.errors import ErrorCode
from relais.apps.briefings.forms import CHOICES_PER_QUESTION, BriefingForm
from relais.apps.briefings.prediction import rollout_prediction
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Agent
from relais.core.briefings import RolloutMode


def _refused(request: HttpRequest, refused: RelaisError) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(refused.as_dict(), status=refused.status)
    return render(request, "briefings/refused.html", {"error": refused}, status=refused.status)


@login_required
@require_GET
def briefing_list(request: HttpRequest) -> HttpResponse:
    if not may_follow(request.user) and not may_publish(request.user):
        return _refused(request, RelaisError(AccountsErrorCode.PERMISSION_DENIED))
    context = {
        "briefings": selectors.briefing_list(viewer=request.user)[:100],
        "latency": selectors.knowledge_latency(viewer=request.user)
        if may_follow(request.user)
        else [],
        "may_publish": may_publish(request.user),
    }
    return render(request, "briefings/list.html", context)


def _questions(data: dict[str, Any]) -> list[services.Question]:
    found: list[services.Question] = []
    for number in (1, 2):
        prompt = (data.get(f"q{number}_prompt") or "").strip()
        if not prompt:
            continue
        choices = [
            (data.get(f"q{number}_choice{c}") or "").strip()
            for c in range(1, CHOICES_PER_QUESTION + 1)
        ]
        filled = [choice for choice in choices if choice]
        correct = (data.get(f"q{number}_correct") or 1) - 1
        found.append(services.Question(prompt, filled, correct))
    return found


def _plan(data: dict[str, Any]) -> services.RolloutPlan:
    return services.RolloutPlan(
        mode=RolloutMode(data["rollout_mode"]),
        wave_agents=data.get("wave_agents"),
        wave_percent=data.get("wave_percent"),
        wave_every_minutes=data.get("wave_every_minutes") or 10,
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_new(request: HttpRequest) -> HttpResponse:
    """The form; "forecast" runs the simulator on the roll-out, "publish" publishes."""
    if not may_publish(request.user):
        return _refused(request, RelaisError(ErrorCode.PUBLISHING_NOT_ALLOWED))
    form = BriefingForm(request.POST or None)
    prediction = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = data.get("starts_at") or timezone.now()
        if request.POST.get("action") == "forecast":
            prediction = rollout_prediction(
                queues=list(data["queues"]),
                starts_at=starts_at,
                plan=_plan(data),
                reading_minutes=data["reading_minutes"],
                contacts_per_hour=data["contacts_per_hour"],
            )
        else:
            try:
                briefing = services.publish_briefing(
                    author=request.user,
                    title=data["title"],
                    summary=data["summary"],
                    queues=list(data["queues"]),
                    audience=selectors.Audience(
                        sites=list(data["sites"]),
                        partners=list(data["partners"]),
                        languages=list(data["languages"]),
                    ),
                    blocking=data["blocking"],
                    starts_at=starts_at,
                    rollout=_plan(data),
                    questions=_questions(data),
                )
            except RelaisError as refused:
                form.add_error(None, refused.message)
            else:
                return redirect("briefings:detail", briefing_id=briefing.pk)
    return render(
        request,
        "briefings/new.html",
        {"form": form, "prediction": prediction},
    )


def _followed(request: HttpRequest, briefing_id: int, template: str) -> HttpResponse:
    try:
        briefing = selectors.briefing_get(viewer=request.user, briefing_id=briefing_id)
        rows = selectors.briefing_progress(viewer=request.user, briefing=briefing)
    except RelaisError as refused:
        return _refused(request, refused)
    context = {"briefing": briefing, "rows": rows, "diff": diff_html(briefing.diff)}
    return render(request, template, context)


@login_required
@require_GET
def briefing_detail(request: HttpRequest, briefing_id: int) -> HttpResponse:
    """The briefing and its acknowledgements by site, in the viewer's scope."""
    return _followed(request, briefing_id, "briefings/detail.html")


@login_required
@require_GET
def briefing_progress(request: HttpRequest, briefing_id: int) -> HttpResponse:
    """The progress table alone: the detail page reads it every few seconds."""
    return _followed(request, briefing_id, "briefings/progress.html")


def _agent(request: HttpRequest) -> Agent | None:
    return Agent.objects.filter(user_id=request.user.pk or 0, active=True).first()


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """The agent's unread briefings, for the desktop's panel (an HTML fragment)."""
    agent = _agent(request)
    if agent is None:
        return _refused(request, RelaisError(ErrorCode.BRIEFING_NOT_FOUND))
    deliveries = selectors.agent_deliveries(agent=agent)
    items = [
        {
            "delivery": delivery,
            "briefing": delivery.briefing,
            "diff": diff_html(delivery.briefing.diff),
            "questions": list(delivery.briefing.questions.all()),
            "reread": str(delivery.briefing_id) in request.GET.getlist("reread"),
        }
        for delivery in deliveries
    ]
    return render(request, "briefings/desk.html", {"items": items})


@login_required
@require_POST
def acknowledge(request: HttpRequest, briefing_id: int) -> JsonResponse:
    """The agent acknowledges, with the answers to the check questions (`q<id>` = choice)."""
    answers: dict[int, int] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("q") and key[1:].isdigit() and value.isdigit():
            answers[int(key[1:])] = int(value)
    try:
        result = services.briefing_acknowledge(
            actor=request.user, briefing_id=briefing_id, answers=answers
        )
    except RelaisError as refused:
        return JsonResponse(refused.as_dict(), status=refused.status)
    message = (
        _("Thank you: acknowledged.")
        if result.acknowledged
        else _("Not quite: read the passage again, then answer once more.")
    )
    return JsonResponse(
        {"acknowledged": result.acknowledged, "wrong": list(result.wrong), "message": message}
    )
