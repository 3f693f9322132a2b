"""What every background job's record holds: who asked and when, its progress, its end.

`simulation.SimulationRun` and `wfm.ScheduleSolve` are such records; each adds its own status
choices, inputs and result, and `django_tasks_db` runs the job (their `jobs.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundJob(models.Model):
    progress = models.FloatField(_("progress"), default=0.0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(_("job id"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return round(self.progress * 100)
