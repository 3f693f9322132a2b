"""Pages of quality: evaluations, scoring a contact beside its transcript, calibration,
sampling plans, disputes and coaching (docs/quality.md). Outside the viewer's scope: 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.apps.accounts.models import Role
from relais.apps.audit.services import audit_access
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.organisation.models import Partner
from relais.apps.quality import form_editor, sampling, selectors, services
from relais.apps.quality.access import (
    is_quality_analyst,
    may_evaluate,
    may_read_quality,
    require_evaluator,
)
from relais.apps.quality.calibration import (
    calibration_progress,
    calibration_results,
    partner_biases,
)
from relais.apps.quality.errors import ErrorCode
from relais.apps.quality.models import (
    CalibrationSession,
    DisputeStatus,
    EvaluationForm,
    FormVersion,
    Period,
    SampleDraw,
    SoftSkill,
)

View = Callable[..., HttpResponse]


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def _page(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """Signed in and `allowed`, else not found; a refusal of scope: not found; a refused
    write: the message on the page it came from."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                return _not_found(request)
            return _answer(view, request, *args, **kwargs)

        return wrapped

    return decorate


def _answer(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        return view(request, *args, **kwargs)
    except RelaisError as error:
        if error.status == 404:
            return _not_found(request)
        if request.method != "POST" or error.status == 403:
            context = {"message": error.message}
            return render(request, "quality/refused.html", context, status=error.status)
        messages.error(request, error.message)
        if view.__name__ in _ACTIONS_ON_EVALUATION:  # POST only: back to the evaluation
            return redirect("quality:evaluation", kwargs["evaluation_id"])
        return redirect(request.path)


#: The actions posted from an evaluation's page; a refusal shows there.
_ACTIONS_ON_EVALUATION = {"dispute_open", "dispute_confirm", "coaching_create"}


#: Pages of whoever reads evaluations (their scope's) or scores them.
quality_page = _page(lambda user: may_read_quality(user) or may_evaluate(user))
#: Pages of the evaluators: sampling plans and calibration.
evaluator_page = _page(may_evaluate)


def _points(request: HttpRequest, version: FormVersion) -> dict[int, int | None]:
    """The form's points: `criterion-<id>` = a number, or "na" for not applicable."""
    points: dict[int, int | None] = {}
    for section in version.sections.all():
        for criterion in section.criteria.all():
            raw = request.POST.get(f"criterion-{criterion.pk}", "").strip()
            if raw == "na":
                points[criterion.pk] = None
            elif raw.isdigit():
                points[criterion.pk] = int(raw)
    return points


def _scale(version: FormVersion) -> None:
    for section in version.sections.all():
        for criterion in section.criteria.all():
            criterion.levels = list(range(criterion.scale_max + 1))  # type: ignore[attr-defined]


def _bias_of(biases: Mapping[int, tuple[float, CalibrationSession]], partner_id: int | None) -> Any:
    return biases.get(partner_id) if partner_id is not None else None


@quality_page
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    viewer: Any = request.user
    if viewer.role == Role.AGENT and not viewer.is_superuser:
        return redirect("quality:mine")
    evaluations = list(selectors.evaluation_list(viewer=viewer)[:100])
    biases = partner_biases()
    rows = [(e, _bias_of(biases, e.evaluator_partner_id)) for e in evaluations]
    return render(
        request,
        "quality/index.html",
        {
            "rows": rows,
            "may_evaluate": may_evaluate(viewer),
            "is_analyst": is_quality_analyst(viewer),
            "calibrations": selectors.calibration_list(viewer=viewer)[:10],
            "plans": selectors.plan_list(viewer=viewer),
        },
    )


@quality_page
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    agent = selectors.my_agent(request.user)
    evaluations = (
        list(selectors.evaluation_list(viewer=request.user).filter(agent=agent)) if agent else []
    )
    trend = selectors.agent_trend(evaluations)
    chart = {
        "categories": [point.month.strftime("%Y-%m") for point in trend],
        "y_unit": "%",
        "series": [{"name": _("Mean score"), "data": [round(point.score, 1) for point in trend]}],
    }
    return render(
        request, "quality/mine.html", {"evaluations": evaluations, "trend": trend, "chart": chart}
    )


def _evaluation_context(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    viewer = request.user
    evaluation = selectors.evaluation_get(viewer=viewer, evaluation_id=evaluation_id)
    version = selectors.form_version_full(evaluation.form_version_id)
    given = dict(evaluation.scores.values_list("criterion_id", "points"))
    sections = [
        (section, [(criterion, given.get(criterion.pk)) for criterion in section.criteria.all()])
        for section in version.sections.all()
    ]
    dispute = getattr(evaluation, "dispute", None)
    biases = partner_biases()
    return {
        "evaluation": evaluation,
        "version": version,
        "sections": sections,
        "dispute": dispute,
        "bias": _bias_of(biases, evaluation.evaluator_partner_id),
        "may_contest": dispute is None and evaluation.agent.user_id == viewer.pk,
        "may_review": dispute is not None
        and dispute.status == DisputeStatus.OPEN
        and is_quality_analyst(viewer),
        "may_coach": may_evaluate(viewer),
        "coaching_plans": evaluation.coaching_plans.all(),
    }


@quality_page
@require_GET
def evaluation(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return render(request, "quality/evaluation.html", _evaluation_context(request, evaluation_id))


@quality_page
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Score a contact of an agent in scope, its transcript beside the form."""
    contact = selectors.evaluable_contact(viewer=request.user, contact_id=contact_id)
    forms = selectors.form_list(viewer=request.user)
    chosen = request.POST.get("form") or request.GET.get("form")
    form = forms.filter(pk=chosen).first() if chosen and chosen.isdigit() else forms.first()
    if form is None:
        return render(
            request,
            "quality/refused.html",
            {"message": _("There is no evaluation form yet.")},
            status=409,
        )
    version = selectors.form_latest_version(form)
    if request.method == "POST":
        made = services.evaluation_submit(
            actor=request.user,
            contact=contact,
            version=version,
            points=_points(request, version),
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("The evaluation is recorded."))
        return redirect("quality:evaluation", made.pk)
    _scale(version)
    audit_access(actor=request.user, action="contact.view", obj=contact)  # type: ignore[arg-type]
    return render(
        request,
        "quality/evaluate.html",
        {
            "contact": contact,
            "agent_name": contact.agent.user.get_full_name() if contact.agent else "",
            "transcript": selectors.transcript(viewer=request.user, contact=contact),
            "version": version,
            "forms": forms,
            "form": form,
            "action": request.path,
        },
    )


@quality_page
@require_http_methods(["GET", "POST"])
def rescore(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """A quality analyst scores a contested evaluation again (same form version)."""
    context = _evaluation_context(request, evaluation_id)
    if not context["may_review"]:
        return _not_found(request)
    evaluation = context["evaluation"]
    version = context["version"]
    if request.method == "POST":
        services.dispute_rescore(
            actor=request.user,
            evaluation=evaluation,
            points=_points(request, version),
            decision=request.POST.get("decision", ""),
        )
        messages.success(request, _("The evaluation is rescored."))
        return redirect("quality:evaluation", evaluation.pk)
    _scale(version)
    contact = Contact.objects.select_related("agent__user").get(pk=evaluation.contact_id)
    return render(
        request,
        "quality/evaluate.html",
        {
            "contact": contact,
            "agent_name": contact.agent.user.get_full_name() if contact.agent else "",
            "transcript": selectors.transcript(viewer=request.user, contact=contact),
            "version": version,
            "given": dict(evaluation.scores.values_list("criterion_id", "points")),
            "rescoring": evaluation,
            "action": request.path,
        },
    )


@quality_page
@require_POST
def dispute_open(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(viewer=request.user, evaluation_id=evaluation_id)
    services.dispute_open(
        actor=request.user, evaluation=evaluation, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Your dispute is sent to the quality team."))
    return redirect("quality:evaluation", evaluation.pk)


@quality_page
@require_POST
def dispute_confirm(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(viewer=request.user, evaluation_id=evaluation_id)
    services.dispute_confirm(
        actor=request.user, evaluation=evaluation, decision=request.POST.get("decision", "")
    )
    messages.success(request, _("The score is confirmed."))
    return redirect("quality:evaluation", evaluation.pk)


@quality_page
@require_POST
def coaching_create(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(viewer=request.user, evaluation_id=evaluation_id)
    require_evaluator(request.user)  # seen but not theirs to coach: 403
    selectors.evaluable_agent(viewer=request.user, agent_id=evaluation.agent_id)
    plan = services.coaching_plan_create(
        actor=request.user, evaluation=evaluation, goals=request.POST.get("goals", "")
    )
    return redirect("quality:coaching", plan.pk)


@quality_page
@require_http_methods(["GET", "POST"])
def coaching(request: HttpRequest, coaching_id: int) -> HttpResponse:
    plan = selectors.coaching_plan_get(viewer=request.user, plan_id=coaching_id)
    may_coach = may_evaluate(request.user)
    if request.method == "POST":
        if not may_coach:
            return _not_found(request)
        selectors.evaluable_agent(viewer=request.user, agent_id=plan.agent_id)
        if request.POST.get("follow_up"):
            follow = selectors.evaluation_get(
                viewer=request.user, evaluation_id=int(request.POST["follow_up"])
            )
            services.coaching_follow_up_set(actor=request.user, plan=plan, evaluation=follow)
        else:
            held = dt.date.fromisoformat(
                request.POST.get("held_on") or timezone.localdate().isoformat()
            )
            services.coaching_session_add(
                actor=request.user, plan=plan, held_on=held, notes=request.POST.get("notes", "")
            )
        return redirect("quality:coaching", plan.pk)
    later = selectors.evaluation_list(viewer=request.user).filter(
        agent_id=plan.agent_id, submitted_at__gt=plan.created_at
    )
    return render(
        request,
        "quality/coaching.html",
        {
            "plan": plan,
            "sessions": plan.sessions.all(),
            "later": later,
            "may_coach": may_coach,
            "today": timezone.localdate(),
        },
    )


@quality_page
@require_GET
def forms(request: HttpRequest) -> HttpResponse:
    listed = []
    for form in selectors.form_list(viewer=request.user):
        listed.append((form, selectors.form_latest_version(form)))
    context = {"forms": listed, "is_analyst": is_quality_analyst(request.user)}
    return render(request, "quality/forms.html", context)


#: Pages of the quality analysts: writing the forms.
analyst_page = _page(is_quality_analyst)


@analyst_page
@require_http_methods(["GET", "POST"])
def form_edit(request: HttpRequest, form_id: int | None = None) -> HttpResponse:
    """A form's next version (a new form without `form_id`): its rows, blank rows to add,
    saved as a new version; a refusal shows the rows as they were typed."""
    form = None
    if form_id is not None:
        form = EvaluationForm.objects.filter(pk=form_id).first()
        if form is None:
            return _not_found(request)
    draft = form_editor.draft_of(selectors.form_latest_version(form) if form else None)
    error = ""
    if request.method == "POST":
        draft = form_editor.draft_posted(request.POST)
        if form is not None:
            draft.name = form.name
        if "save" in request.POST:
            try:
                name, passing, sections = form_editor.definitions(draft)
                if form is None and EvaluationForm.objects.filter(name=name).exists():
                    raise RelaisError(ErrorCode.INVALID_FORM, details=_("this name is taken"))
                version = services.form_version_create(
                    actor=request.user, name=name, sections=sections, passing_score=passing
                )
            except RelaisError as refused:
                error = refused.message
            else:
                messages.success(
                    request,
                    _("Version %(number)s of %(form)s is saved; new evaluations use it.")
                    % {"number": version.number, "form": name},
                )
                return redirect("quality:forms")
    return render(
        request,
        "quality/form_edit.html",
        {
            "form_row": form,
            "draft": draft.with_blank_rows(),
            "skills": SoftSkill.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@evaluator_page
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EvaluationForm.objects.filter(pk=request.POST.get("form") or 0).first()
        partner = Partner.objects.filter(pk=request.POST.get("partner") or 0).first()
        if form is None:
            return render(
                request, "quality/refused.html", {"message": _("Choose a form.")}, status=400
            )
        per_agent = request.POST.get("per_agent", "")
        seed = request.POST.get("seed", "")
        sampling.plan_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            form=form,
            per_agent=int(per_agent) if per_agent.isdigit() else 0,
            period=request.POST.get("period", ""),
            partner=partner,
            seed=int(seed) if seed.isdigit() else 1,
        )
        messages.success(request, _("The sampling plan is saved."))
        return redirect("quality:plans")
    listed = selectors.plan_list(viewer=request.user)
    return render(
        request,
        "quality/plans.html",
        {
            "plans": [(plan, plan.draws.order_by("-period_start")[:6]) for plan in listed],
            "is_analyst": is_quality_analyst(request.user),
            "forms": selectors.form_list(viewer=request.user),
            "partners": Partner.objects.order_by("name"),
            "periods": Period.choices,
        },
    )


@evaluator_page
@require_POST
def plan_draw(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(viewer=request.user, plan_id=plan_id)
    day = dt.date.fromisoformat(request.POST.get("day") or timezone.localdate().isoformat())
    draw = sampling.sample_draw(actor=request.user, plan=plan, day=day)
    return redirect("quality:draw", draw.pk)


@evaluator_page
@require_GET
def draw(request: HttpRequest, draw_id: int) -> HttpResponse:
    found = SampleDraw.objects.select_related("plan").filter(pk=draw_id).first()
    if found is None:
        return _not_found(request)
    selectors.plan_get(viewer=request.user, plan_id=found.plan_id)
    return render(
        request,
        "quality/draw.html",
        {"draw": found, "rows": selectors.draw_rows(viewer=request.user, draw=found)},
    )


@evaluator_page
@require_http_methods(["GET", "POST"])
def calibrations(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    if request.method == "POST":
        version = FormVersion.objects.filter(pk=request.POST.get("version") or 0).first()
        contacts = list(
            Contact.objects.filter(
                pk__in=[int(v) for v in request.POST.getlist("contacts") if v.isdigit()]
            )
        )
        users = get_user_model()
        raters = list(
            users.objects.filter(
                pk__in=[int(v) for v in request.POST.getlist("raters") if v.isdigit()],
                role__in=[Role.QUALITY_ANALYST, Role.PARTNER_EVALUATOR],
                is_active=True,
            )
        )
        if version is None:
            return render(
                request, "quality/refused.html", {"message": _("Choose a form.")}, status=400
            )
        session = services.calibration_create(
            actor=viewer,
            title=request.POST.get("title", ""),
            version=version,
            contacts=contacts,
            raters=raters,
        )
        return redirect("quality:calibration", session.pk)
    context: dict[str, Any] = {
        "sessions": selectors.calibration_list(viewer=viewer),
        "is_analyst": is_quality_analyst(viewer),
    }
    if context["is_analyst"]:
        context["versions"] = [
            selectors.form_latest_version(f) for f in selectors.form_list(viewer=viewer)
        ]
        context["candidates"] = (
            Contact.objects.filter(state=ContactState.CLOSED, agent__isnull=False)
            .select_related("queue")
            .order_by("-closed_at")[:20]
        )
        context["raters"] = (
            get_user_model()
            .objects.filter(role__in=[Role.QUALITY_ANALYST, Role.PARTNER_EVALUATOR], is_active=True)
            .select_related("partner")
            .order_by("role", "last_name")
        )
    return render(request, "quality/calibrations.html", context)


@evaluator_page
@require_GET
def calibration(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.calibration_get(viewer=request.user, session_id=session_id)
    progress = calibration_progress(session)
    complete = bool(progress) and all(p.done for p in progress)
    mine = set(
        session.evaluations.filter(evaluator_id=request.user.pk).values_list(
            "contact_id", flat=True
        )
    )
    contacts = [
        (index, contact, contact.pk in mine)
        for index, contact in enumerate(session.contacts.order_by("pk"), start=1)
    ]
    is_rater = any(p.rater.user_id == request.user.pk for p in progress)
    return render(
        request,
        "quality/calibration.html",
        {
            "session": session,
            "progress": progress,
            "complete": complete,
            "contacts": contacts,
            "is_rater": is_rater,
            "results": calibration_results(viewer=request.user, session=session)
            if complete
            else None,
        },
    )


@evaluator_page
@require_http_methods(["GET", "POST"])
def calibration_score(request: HttpRequest, session_id: int, contact_id: int) -> HttpResponse:
    """A rater scores one contact of the session, anonymised, without anyone else's scores."""
    session = selectors.calibration_get(viewer=request.user, session_id=session_id)
    contact = session.contacts.filter(pk=contact_id).first()
    if contact is None or not session.raters.filter(user_id=request.user.pk or 0).exists():
        return _not_found(request)
    version = selectors.form_version_full(session.form_version_id)
    if request.method == "POST":
        services.evaluation_submit(
            actor=request.user,
            contact=contact,
            version=version,
            points=_points(request, version),
            comment=request.POST.get("comment", ""),
            calibration=session,
        )
        messages.success(request, _("Your scores are recorded."))
        return redirect("quality:calibration", session.pk)
    _scale(version)
    return render(
        request,
        "quality/evaluate.html",
        {
            "contact": contact,
            "transcript": selectors.transcript(
                viewer=request.user, contact=contact, anonymised=True
            ),
            "version": version,
            "session": session,
            "already": session.evaluations.filter(
                evaluator_id=request.user.pk, contact=contact
            ).exists(),
            "action": request.path,
        },
    )
