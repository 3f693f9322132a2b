"""Evaluation forms and their versions, evaluations, sampling plans, calibration sessions,
disputes and coaching plans (docs/quality.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SoftSkill(models.TextChoices):
    """The soft skills a criterion may measure; empty for a procedural criterion."""

    NONE = "", _("Procedure")
    EMPATHY = "empathy", _("Empathy")
    REPHRASING = "rephrasing", _("Rephrasing")
    COMPOSURE = "composure", _("Composure")
    SITUATIONAL_JUDGEMENT = "situational_judgement", _("Situational judgement")
    WRITTEN_FRENCH = "written_french", _("Quality of written French")


class EvaluationForm(models.Model):
    """A scorecard; what it asks is in its versions, the latest published one is in use."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    """One version of a form, never changed once written: an evaluation keeps the version it
    was scored with, and a new version of the form is a new row."""

    form = models.ForeignKey(EvaluationForm, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    passing_score = models.FloatField(_("passing score"), default=80.0)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="form_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form.name} v{self.number}"


class FormSection(models.Model):
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=120)
    weight = models.FloatField(_("weight"))
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One question of a section, scored 0..`scale_max` points or "not applicable"."""

    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("label"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    soft_skill = models.CharField(
        _("soft skill"), max_length=32, choices=SoftSkill.choices, blank=True, default=""
    )
    weight = models.FloatField(_("weight"))
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=4)
    critical = models.BooleanField(_("critical"), default=False)
    allows_not_applicable = models.BooleanField(_("may be not applicable"), default=True)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.label


class Period(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class SamplingPlan(models.Model):
    """k contacts per agent per period, drawn at random and stratified by partner and queue."""

    name = models.CharField(_("name"), max_length=120)
    form = models.ForeignKey(EvaluationForm, on_delete=models.PROTECT, related_name="plans")
    per_agent = models.PositiveSmallIntegerField(_("contacts per agent"))
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    partner = models.ForeignKey(
        "organisation.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Only this partner's agents; empty: every agent."),
    )
    seed = models.BigIntegerField(_("seed"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")

    def __str__(self) -> str:
        return self.name


class SampleDraw(models.Model):
    """The sample a plan drew for one period; drawing the same period again gives the same."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.CASCADE, related_name="draws")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_start"], name="sample_draw_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.period_start}"


class SampledContact(models.Model):
    draw = models.ForeignKey(SampleDraw, on_delete=models.CASCADE, related_name="contacts")
    contact = models.ForeignKey("interactions.Contact", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey("organisation.Agent", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draw", "contact"], name="sampled_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}: {self.contact_id}"


class CalibrationSession(models.Model):
    """The same anonymised contacts scored blind by several raters; the scores are shown to
    anyone only once every rater has submitted every contact."""

    title = models.CharField(_("title"), max_length=120)
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    contacts = models.ManyToManyField(
        "interactions.Contact", related_name="+", verbose_name=_("contacts")
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")

    def __str__(self) -> str:
        return self.title


class CalibrationRater(models.Model):
    """A rater of a session: a reference analyst of the client, or a partner's evaluator."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="raters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        "organisation.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.BooleanField(_("reference"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="calibration_rater_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.user_id}"


class Evaluation(models.Model):
    """A contact scored against one form version, by one evaluator."""

    contact = models.ForeignKey("interactions.Contact", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        "organisation.Agent", on_delete=models.PROTECT, related_name="evaluations"
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="evaluations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    evaluator_partner = models.ForeignKey(
        "organisation.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    calibration = models.ForeignKey(
        CalibrationSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    sampled = models.ForeignKey(
        SampledContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluations"
    )
    score = models.FloatField(_("score"), null=True)
    critical_failed = models.BooleanField(_("critical item failed"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["calibration", "contact", "evaluator"],
                condition=models.Q(calibration__isnull=False),
                name="calibration_scored_once",
            )
        ]
        indexes = [models.Index(fields=["agent", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.contact_id} ({self.score})"


class CriterionScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="criterion_scored_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Under review")
    CONFIRMED = "confirmed", _("Score confirmed")
    RESCORED = "rescored", _("Rescored")


class Dispute(models.Model):
    """An agent contests an evaluation; a quality analyst confirms it or scores it again."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="dispute")
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"))
    status = models.CharField(
        _("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    score_before = models.FloatField(_("score before"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.status}"


class CoachingPlan(models.Model):
    """Goals set for an agent after an evaluation, its sessions, and the follow-up evaluation
    that tells whether it worked."""

    agent = models.ForeignKey(
        "organisation.Agent", on_delete=models.PROTECT, related_name="coaching_plans"
    )
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="coaching_plans"
    )
    goals = models.TextField(_("goals"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    follow_up = models.ForeignKey(
        Evaluation,
        verbose_name=_("follow-up evaluation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("coaching plan")
        verbose_name_plural = _("coaching plans")

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.goals[:40]}"


class CoachingSession(models.Model):
    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"))
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.held_on}"
