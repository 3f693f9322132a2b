"""The league page (scoped), the widget's end-of-chat survey and the public survey page."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from pydantic import ValidationError

from relais.apps.chat.selectors import session_for_token
from relais.apps.errors import RelaisError
from relais.apps.realtime.errors import ErrorCode as ProtocolError
from relais.apps.satisfaction import presentation, selectors, services
from relais.apps.satisfaction.errors import ErrorCode
from relais.apps.satisfaction.league import (
    LEVELS,
    LeagueQuery,
    league,
    may_see_satisfaction,
    visible_levels,
)
from relais.apps.satisfaction.models import Delivery, SurveyInvitation
from relais.apps.satisfaction.schemas import AnswerIn, ChatSurveyIn, QuestionsOut
from relais.core.kpi.league import DEFAULT_MIN_N

DEFAULT_DAYS = 90


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def league_page(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    if not may_see_satisfaction(viewer):
        raise Http404
    levels = visible_levels(viewer)
    today = timezone.localdate()
    level = request.GET.get("level", "")
    query = LeagueQuery(
        start=_date(request.GET.get("start"), today - dt.timedelta(days=DEFAULT_DAYS - 1)),
        end=_date(request.GET.get("end"), today),
        level=level if level in levels else levels[0],
        min_n=DEFAULT_MIN_N,
    )
    result = league(viewer=viewer, query=query)
    tables = [
        presentation.table_view(result.tables[f"{query.level}:{m}"])
        for m in ("agent_csat", "nps", "fcr", "resolved", "company_csat")
    ]
    labels = result.tables[f"{query.level}:fcr"].labels
    coverage = [
        {"label": labels.get(group, str(group)), "coverage": c}
        for group, c in sorted(
            result.coverage.items(), key=lambda item: str(labels.get(item[0], item[0]))
        )
        if group is not None
    ]
    context = {
        "query": query,
        "levels": [(key, presentation.LEVEL_TITLES[key]) for key in LEVELS if key in levels],
        "tables": tables,
        "coverage": coverage,
        "overall_coverage": result.overall_coverage,
        "trend_chart": presentation.trend_chart(result),
        "reason_mix": presentation.reason_mix_view(result),
    }
    return render(request, "satisfaction/league.html", context)


SCALES = {"five_scale": range(1, 6), "nps_scale": range(11)}


def _language(value: Any, fallback: str = "fr") -> str:
    value = str(value or fallback)
    return "en" if value.startswith("en") else "fr"


def _refused(error: RelaisError, language: str) -> JsonResponse:
    with translation.override(language):
        return JsonResponse(error.as_dict(), status=error.status)


@csrf_exempt  # the widget of an anonymous customer: its chat token is the credential
@require_POST
def chat_survey(request: HttpRequest) -> JsonResponse:
    """The widget, when its conversation ends: the survey to show, or `{"survey": null}`."""
    language = _language(request.GET.get("lang"))
    try:
        form = ChatSurveyIn.model_validate(json.loads(request.body or b"{}"))
        session = session_for_token(form.token)
    except (ValueError, ValidationError):  # not the widget's JSON (ValidationError is one)
        return _refused(RelaisError(ProtocolError.MALFORMED_JSON), language)
    except RelaisError as error:
        return _refused(error, language)
    invitation = services.survey_invite(
        contact=session.contact, delivery=Delivery.WIDGET, language=session.language
    )
    if invitation is None or hasattr(invitation, "answer"):
        return JsonResponse({"survey": None})
    token = selectors.survey_token(invitation)
    out = QuestionsOut(
        answer_url=reverse("satisfaction:survey", args=[token]),
        questions=selectors.questions_of(invitation.policy),
    )
    return JsonResponse({"survey": out.model_dump()})


def _answer(invitation: SurveyInvitation, data: dict[str, Any]) -> None:
    try:
        answer = AnswerIn.model_validate(data)
    except ValidationError as invalid:
        fields = ", ".join(str(e["loc"][0]) for e in invalid.errors() if e["loc"])
        raise RelaisError(ErrorCode.INVALID_ANSWER, problems=fields or "?") from invalid
    services.survey_answer(invitation=invitation, answer=answer)


def _form_data(request: HttpRequest, questions: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in questions:
        value = request.POST.get(name, "").strip()
        if not value:
            continue
        if name == "comment":
            data[name] = value
        elif name == "resolved":
            data[name] = value == "yes" if value in ("yes", "no") else value
        else:
            data[name] = int(value) if value.isdigit() else value
    return data


@csrf_exempt  # a public page reached from a signed link or the widget: the token is the credential
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey of one contact: the bilingual page (GET, form POST) or the widget's JSON POST."""
    wants_json = request.content_type == "application/json"
    hint = request.GET.get("lang")
    try:
        invitation = selectors.invitation_for_token(token)
    except RelaisError as error:
        language = _language(hint)
        if wants_json:
            return _refused(error, language)
        with translation.override(language):
            return render(
                request,
                "satisfaction/survey.html",
                {"error": error.message, "language": language},
                status=error.status,
            )
    language = _language(hint, invitation.language)
    questions = selectors.questions_of(invitation.policy)
    with translation.override(language):
        if request.method == "GET":
            context = {"language": language, "questions": questions, "token": token, **SCALES}
            if hasattr(invitation, "answer"):
                context["error"] = RelaisError(ErrorCode.SURVEY_ALREADY_ANSWERED).message
            elif timezone.now() > invitation.expires_at:
                context["error"] = RelaisError(
                    ErrorCode.SURVEY_EXPIRED, closed=selectors.closed_text(invitation)
                ).message
            return render(request, "satisfaction/survey.html", context)
        try:
            if wants_json:
                _answer(invitation, json.loads(request.body or b"{}"))
            else:
                _answer(invitation, _form_data(request, questions))
        except ValueError:
            return _refused(RelaisError(ErrorCode.INVALID_ANSWER, problems="JSON"), language)
        except RelaisError as error:
            if wants_json:
                return JsonResponse(error.as_dict(), status=error.status)
            context = {
                "language": language,
                "questions": questions,
                "token": token,
                "error": error.message,
            }
            return render(request, "satisfaction/survey.html", context, status=error.status)
        if wants_json:
            return JsonResponse({"ok": True}, status=201)
        return render(request, "satisfaction/survey.html", {"language": language, "thanks": True})
