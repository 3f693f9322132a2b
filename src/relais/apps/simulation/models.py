"""Scenarios (TOML text, as `relais simulate` reads it) and their runs (background jobs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.jobs import BackgroundJob


class ScenarioSource(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    LIVE = "live", _("Built from the live configuration")


class Scenario(models.Model):
    """A what-if scenario in the TOML format of docs/simulation.md (validated when saved)."""

    name = models.CharField(_("name"), max_length=200)
    toml = models.TextField(_("scenario (TOML)"))
    source = models.CharField(_("source"), max_length=16, choices=ScenarioSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SimulationRun(BackgroundJob):
    """One scenario simulated over replications; with `against`, a paired comparison B − A.

    The TOML of each scenario is copied when the run is requested, so that a result always
    matches the text that produced it even if the scenario is edited afterwards.
    """

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="runs"
    )
    against = models.ForeignKey(
        Scenario,
        verbose_name=_("compared with"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comparison_runs",
    )
    scenario_toml = models.TextField(_("scenario as run"))
    against_toml = models.TextField(_("compared scenario as run"), blank=True)
    replications = models.PositiveSmallIntegerField(_("replications"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    summary = models.JSONField(_("summary"), null=True, blank=True)
    report_en = models.TextField(_("report in English"), blank=True)
    report_fr = models.TextField(_("report in French"), blank=True)

    class Meta:
        verbose_name = _("simulation run")
        verbose_name_plural = _("simulation runs")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0),
                name="run_progress_0_to_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scenario} #{self.pk}"

    @property
    def is_comparison(self) -> bool:
        return self.against_id is not None

    def report(self, language: str) -> str:
        return self.report_fr if language.startswith("fr") else self.report_en


class ResplitProposal(BackgroundJob):
    """Candidate shifts of a queue's share to each partner, simulated against the scenario.

    ``candidates`` lists ``{partner, percent, service_level, abandonment_rate, sl_points,
    abandonment_points}`` (points: the candidate minus the scenario as it is, common random
    numbers), best service level first; ``baseline`` the scenario's own figures."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="resplits"
    )
    queue = models.CharField(_("queue"), max_length=120)
    scenario_toml = models.TextField(_("scenario as run"))
    replications = models.PositiveSmallIntegerField(_("replications"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    baseline = models.JSONField(_("scenario as it is"), null=True, blank=True)
    candidates = models.JSONField(_("candidates"), default=list, blank=True)

    class Meta:
        verbose_name = _("re-split proposal")
        verbose_name_plural = _("re-split proposals")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0),
                name="resplit_progress_0_to_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scenario} / {self.queue} #{self.pk}"
