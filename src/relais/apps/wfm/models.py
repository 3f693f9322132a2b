"""Forecast runs, staffing plans and schedules of the planners, and sites' calendar overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relais.apps.jobs import BackgroundJob
from relais.apps.organisation.models import Agent, Partner, Site


class SiteCalendarOverride(models.Model):
    """What a site's calendar needs beyond the organisation's Site: Ramadan as observed.

    ``ramadan_days`` maps a Hijri year to the first and last local dates of Ramadan actually
    observed (moon sighting, e.g. Morocco): ``{"1446": ["2025-03-02", "2025-03-30"]}``.
    ``observes_ramadan`` None follows the country (Morocco, Tunisia… observe it).
    ``closes_on_public_holidays``: True, the site closes on every public holiday of its
    country; False, it works them all; None (not said), the forecast learns from the
    queue's history which ones it closes (docs/wfm-forecast-calendars.md).
    """

    site = models.OneToOneField(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="calendar_override"
    )
    observes_ramadan = models.BooleanField(_("observes Ramadan"), null=True, blank=True)
    ramadan_days = models.JSONField(_("Ramadan as observed"), default=dict, blank=True)
    ramadan_max_paid_hours = models.PositiveSmallIntegerField(
        _("maximum paid hours per day in Ramadan"), default=6
    )
    closes_on_public_holidays = models.BooleanField(
        _("closes on public holidays"),
        null=True,
        blank=True,
        help_text=_("Empty: the forecast learns from history which holidays the site closes."),
    )

    class Meta:
        verbose_name = _("site calendar override")
        verbose_name_plural = _("site calendar overrides")

    def __str__(self) -> str:
        return str(self.site)


class ForecastRun(models.Model):
    """A forecast of one queue on one site: the method the backtest chose and its accuracy."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="forecast_runs"
    )
    queue = models.CharField(_("queue"), max_length=120)
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"))
    method = models.CharField(_("method"), max_length=64)
    wape = models.FloatField(_("WAPE"), null=True, blank=True)
    mase = models.FloatField(_("MASE"), null=True, blank=True)
    scores = models.JSONField(_("scores of every method"), default=list, blank=True)
    horizon_start = models.DateField(_("first forecast day"))
    horizon_end = models.DateField(_("last forecast day"))
    #: the history file's lines read and malformed lines skipped (None: the live history)
    import_report = models.JSONField(_("history file read"), null=True, blank=True, default=None)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.queue} @ {self.site} ({self.created_at:%Y-%m-%d})"


class ForecastInterval(models.Model):
    """One interval of a forecast run: the history it learnt from, or what it forecasts."""

    run = models.ForeignKey(
        ForecastRun, verbose_name=_("forecast run"), on_delete=models.CASCADE, related_name="values"
    )
    start = models.DateTimeField(_("start"))
    volume = models.FloatField(_("volume"))
    aht_seconds = models.FloatField(_("AHT (seconds)"), null=True, blank=True)
    is_history = models.BooleanField(_("history"), default=False)

    class Meta:
        verbose_name = _("forecast interval")
        verbose_name_plural = _("forecast intervals")
        ordering = ["run", "start"]
        constraints = [
            models.UniqueConstraint(fields=["run", "start"], name="one_value_per_interval")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.volume:g}"


class StaffingModel(models.TextChoices):
    ERLANG_C = "erlang_c", _("Erlang C")
    ERLANG_A = "erlang_a", _("Erlang A (with abandonment)")


class StaffingPlan(models.Model):
    """Agents needed per interval on a site for a forecast, and the targets used."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="staffing_plans"
    )
    forecast = models.ForeignKey(
        ForecastRun,
        verbose_name=_("forecast run"),
        on_delete=models.PROTECT,
        related_name="staffing_plans",
    )
    model = models.CharField(_("model"), max_length=16, choices=StaffingModel.choices)
    targets = models.JSONField(_("targets"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("staffing plan")
        verbose_name_plural = _("staffing plans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.site} ({self.created_at:%Y-%m-%d})"


class StaffingInterval(models.Model):
    plan = models.ForeignKey(
        StaffingPlan, verbose_name=_("staffing plan"), on_delete=models.CASCADE, related_name="rows"
    )
    start = models.DateTimeField(_("start"))
    volume = models.FloatField(_("volume"))
    aht_seconds = models.FloatField(_("AHT (seconds)"))
    required_agents = models.PositiveIntegerField(_("required agents"))
    scheduled_agents = models.PositiveIntegerField(_("scheduled positions"))
    service_level = models.FloatField(_("service level"))
    occupancy = models.FloatField(_("occupancy"))
    abandonment = models.FloatField(_("abandonment"), default=0.0)

    class Meta:
        verbose_name = _("staffing interval")
        verbose_name_plural = _("staffing intervals")
        ordering = ["plan", "start"]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.required_agents}"


class Schedule(models.Model):
    """A week of shifts for one or more sites, with the solver's objective and bound."""

    week_start = models.DateField(_("week starting"))
    starts_at = models.DateTimeField(_("first interval (UTC)"))
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), related_name="schedules")
    staffing_plans = models.ManyToManyField(
        StaffingPlan, verbose_name=_("staffing plans"), related_name="schedules"
    )
    status = models.CharField(_("solver status"), max_length=16)
    objective = models.FloatField(_("objective"))
    bound = models.FloatField(_("bound"))
    gap_pct = models.FloatField(_("gap (%)"))
    seconds = models.FloatField(_("solve time (s)"))
    requirements = models.JSONField(_("agents required per site"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d} #{self.pk}"


class ScheduledShift(models.Model):
    """One agent's shift; ``breaks`` lists ``{name, start, end, paid}`` with ISO UTC times."""

    schedule = models.ForeignKey(
        Schedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="shifts"
    )
    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="shifts"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    breaks = models.JSONField(_("breaks"), default=list, blank=True)

    class Meta:
        verbose_name = _("scheduled shift")
        verbose_name_plural = _("scheduled shifts")
        ordering = ["schedule", "site", "agent", "start"]

    def __str__(self) -> str:
        return f"{self.agent} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class SolveStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("schedule solve", "Queued")
    RUNNING = "running", pgettext_lazy("schedule solve", "Running")
    DONE = "done", pgettext_lazy("schedule solve", "Done")
    FAILED = "failed", pgettext_lazy("schedule solve", "Failed")


class SolvePhase(models.TextChoices):
    """The solver's phases (`relais.core.wfm.scheduling.solver.PHASES`), in the planner's words."""

    WAITING = "waiting", _("Waiting for a worker")
    MODEL = "model", _("Building the rosters")
    BOUND = "bound", _("Computing the best possible")
    SEARCH = "search", _("Searching for a schedule")
    POLISH = "polish", _("Improving the schedule")
    DECODE = "decode", _("Placing shifts and breaks")
    SAVED = "saved", _("Saved")


class ScheduleSolve(BackgroundJob):
    """A request to solve a week's schedule, run as a background job (`wfm.jobs`).

    The job moves it ``queued → running → done | failed`` and writes its phase and progress
    (0..1); when done, ``schedule`` is the result; when failed, ``error`` says why."""

    week_start = models.DateField(_("week starting"))
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), related_name="+")
    max_seconds = models.PositiveSmallIntegerField(_("solver time limit (s)"))
    status = models.CharField(
        _("status"), max_length=16, choices=SolveStatus.choices, default=SolveStatus.QUEUED
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=SolvePhase.choices, default=SolvePhase.WAITING
    )
    schedule = models.ForeignKey(
        Schedule,
        verbose_name=_("schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("schedule solve")
        verbose_name_plural = _("schedule solves")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0),
                name="solve_progress_0_to_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d} solve #{self.pk}"


class RequestKind(models.TextChoices):
    """How a version of a staffing request came to be: published, or frozen at a horizon."""

    PUBLISHED = "published", pgettext_lazy("staffing request", "Published")
    FROZEN_M1 = "frozen_m1", _("Frozen at M-1")
    FROZEN_W1 = "frozen_w1", _("Frozen at W-1")
    FROZEN_D1 = "frozen_d1", _("Frozen at D-1")


class StaffingRequest(models.Model):
    """What the client asks one partner to staff on one queue: a series of versions."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    queue = models.CharField(_("queue"), max_length=120)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("staffing request")
        verbose_name_plural = _("staffing requests")
        ordering = ["partner__name", "queue"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "queue"], name="one_request_per_queue")
        ]

    def __str__(self) -> str:
        return f"{self.queue} → {self.partner}"


class StaffingRequestVersion(models.Model):
    """One version, never changed: a publication (from a staffing plan) or a frozen copy.

    A frozen version copies, from the newest publication, the intervals of the days its
    horizon reached (``RequestKind``); the requested headcount of an interval is the one of
    the newest frozen version holding it, else of the newest publication."""

    request = models.ForeignKey(
        StaffingRequest,
        verbose_name=_("staffing request"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    staffing_plan = models.ForeignKey(
        StaffingPlan,
        verbose_name=_("staffing plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("staffing request version")
        verbose_name_plural = _("staffing request versions")
        ordering = ["request", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.request} v{self.number}"


class RequestedInterval(models.Model):
    version = models.ForeignKey(
        StaffingRequestVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="intervals",
    )
    start = models.DateTimeField(_("start"))
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"))
    agents = models.PositiveIntegerField(_("agents requested"))

    class Meta:
        verbose_name = _("requested interval")
        verbose_name_plural = _("requested intervals")
        ordering = ["version", "start"]
        constraints = [
            models.UniqueConstraint(fields=["version", "start"], name="one_request_per_interval")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.agents}"


class CommittedInterval(models.Model):
    """The headcount a partner commits for one interval of a request (its latest answer;
    every change is in the audit log)."""

    request = models.ForeignKey(
        StaffingRequest,
        verbose_name=_("staffing request"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    start = models.DateTimeField(_("start"))
    agents = models.PositiveIntegerField(_("agents committed"))
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("committed at"))

    class Meta:
        verbose_name = _("committed interval")
        verbose_name_plural = _("committed intervals")
        ordering = ["request", "start"]
        constraints = [
            models.UniqueConstraint(fields=["request", "start"], name="one_commitment_per_interval")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.agents}"
