"""Reads of quality, through the viewer's scope (outside it: not found)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.chat.models import ChatMessage, Sender
from relais.apps.chat.selectors import agent_view
from relais.apps.deskstream.events import MessageView
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.interactions.timeline import ContactEventView, contact_timeline
from relais.apps.organisation.models import Agent
from relais.apps.organisation.selectors import agent_filter
from relais.apps.privacy.selectors import masking_for
from relais.apps.quality.access import may_evaluate, quality_scope
from relais.apps.quality.models import (
    CalibrationSession,
    CoachingPlan,
    Criterion,
    Evaluation,
    EvaluationForm,
    FormSection,
    FormVersion,
    SampleDraw,
    SamplingPlan,
)
from relais.core.privacy import CLOSED


def _not_found(model: Any) -> RelaisError:
    return RelaisError(AccountsErrorCode.NOT_FOUND, kind=model._meta.verbose_name)


def form_version_full(version_id: int) -> FormVersion:
    """A version with its sections and criteria, in order."""
    return (
        FormVersion.objects.select_related("form")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=FormSection.objects.prefetch_related(
                    Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
                ).order_by("order"),
            )
        )
        .get(pk=version_id)
    )


def form_latest_version(form: EvaluationForm) -> FormVersion:
    latest = form.versions.order_by("-number").first()
    if latest is None:
        raise _not_found(FormVersion)
    return form_version_full(latest.pk)


def form_list(*, viewer: Any) -> QuerySet[EvaluationForm]:
    """Forms are read by whoever scores or reads evaluations."""
    if not may_evaluate(viewer) and not quality_scope(viewer).everything:
        return EvaluationForm.objects.none()
    return EvaluationForm.objects.prefetch_related("versions").order_by("name")


def evaluation_list(*, viewer: Any) -> QuerySet[Evaluation]:
    """The evaluations of the agents in the viewer's scope (calibration scores aside)."""
    scope = quality_scope(viewer)
    return (
        Evaluation.objects.filter(calibration__isnull=True)
        .filter(agent_filter(scope, "agent__"))
        .select_related(
            "agent__user", "agent__site", "form_version__form", "evaluator", "evaluator_partner"
        )
        .order_by("-submitted_at", "-pk")
    )


def evaluation_get(*, viewer: Any, evaluation_id: int) -> Evaluation:
    try:
        return evaluation_list(viewer=viewer).select_related("dispute").get(pk=evaluation_id)
    except Evaluation.DoesNotExist as missing:
        raise _not_found(Evaluation) from missing


def evaluable_agent(*, viewer: Any, agent_id: int) -> Agent:
    """An agent the viewer may score (404 outside their scope)."""
    if not may_evaluate(viewer):
        raise _not_found(Agent)
    try:
        return (
            Agent.objects.select_related("user", "site")
            .filter(agent_filter(quality_scope(viewer)))
            .get(pk=agent_id)
        )
    except Agent.DoesNotExist as missing:
        raise _not_found(Agent) from missing


def evaluable_contact(*, viewer: Any, contact_id: int) -> Contact:
    """A handled contact whose agent the viewer may score."""
    contact = (
        Contact.objects.select_related("agent__user", "queue")
        .filter(pk=contact_id, agent__isnull=False)
        .first()
    )
    if contact is None or not may_evaluate(viewer):
        raise _not_found(Contact)
    evaluable_agent(viewer=viewer, agent_id=contact.agent_id)  # type: ignore[arg-type]
    return contact


@dataclass(frozen=True)
class Transcript:
    messages: list[MessageView]
    events: list[ContactEventView]


def transcript(*, viewer: Any, contact: Contact, anonymised: bool = False) -> Transcript:
    """The contact's chat messages through the viewer's masking, and its event log; anonymised
    (calibration): every customer field masked and no one named."""
    masking = CLOSED if anonymised else masking_for(viewer)
    rows = ChatMessage.objects.filter(contact_id=contact.pk).order_by("seq")
    messages = [agent_view(row, masking) for row in rows]
    if anonymised:
        messages = [m.model_copy(update={"author": _role_name(m.sender)}) for m in messages]
    return Transcript(messages, contact_timeline(contact.pk))


def _role_name(sender: str) -> str:
    return str(dict(Sender.choices).get(sender, sender))


@dataclass(frozen=True)
class TrendPoint:
    month: dt.date
    score: float
    count: int


def agent_trend(evaluations: list[Evaluation]) -> list[TrendPoint]:
    """Mean score per month, oldest first."""
    months: dict[dt.date, list[float]] = {}
    for evaluation in evaluations:
        if evaluation.score is None:
            continue
        month = evaluation.submitted_at.date().replace(day=1)
        months.setdefault(month, []).append(evaluation.score)
    return [TrendPoint(m, sum(s) / len(s), len(s)) for m, s in sorted(months.items())]


def my_agent(viewer: Any) -> Agent | None:
    return Agent.objects.filter(user_id=getattr(viewer, "pk", None) or 0).first()


def plan_list(*, viewer: Any) -> QuerySet[SamplingPlan]:
    """Sampling plans: quality analysts see all; a partner evaluator their partner's."""
    scope = quality_scope(viewer)
    plans = SamplingPlan.objects.select_related("form", "partner").order_by("name")
    if not may_evaluate(viewer):
        return plans.none()
    if scope.everything:
        return plans
    return plans.filter(partner_id=scope.partner_id or 0)


def plan_get(*, viewer: Any, plan_id: int) -> SamplingPlan:
    try:
        return plan_list(viewer=viewer).get(pk=plan_id)
    except SamplingPlan.DoesNotExist as missing:
        raise _not_found(SamplingPlan) from missing


def draw_rows(*, viewer: Any, draw: SampleDraw) -> list[Any]:
    """The sampled contacts of a draw whose agents the viewer may see, with their evaluation."""
    scope = quality_scope(viewer)
    return list(
        draw.contacts.filter(agent_filter(scope, "agent__"))
        .select_related("agent__user", "contact__queue")
        .prefetch_related("evaluations")
        .order_by("agent__user__last_name", "contact_id")
    )


def calibration_list(*, viewer: Any) -> QuerySet[CalibrationSession]:
    """Sessions the viewer rates in; quality analysts see every session."""
    from relais.apps.quality.access import is_quality_analyst

    sessions = CalibrationSession.objects.select_related("form_version__form").order_by(
        "-created_at"
    )
    if is_quality_analyst(viewer):
        return sessions
    if not may_evaluate(viewer):
        return sessions.none()
    return sessions.filter(raters__user_id=viewer.pk)


def calibration_get(*, viewer: Any, session_id: int) -> CalibrationSession:
    try:
        return calibration_list(viewer=viewer).get(pk=session_id)
    except CalibrationSession.DoesNotExist as missing:
        raise _not_found(CalibrationSession) from missing


def coaching_plan_get(*, viewer: Any, plan_id: int) -> CoachingPlan:
    scope = quality_scope(viewer)
    plan = (
        CoachingPlan.objects.filter(agent_filter(scope, "agent__"))
        .select_related("agent__user", "evaluation", "follow_up")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise _not_found(CoachingPlan)
    return plan
