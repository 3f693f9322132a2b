"""Briefings: what changed today, pushed to the agents it concerns, acknowledged by each.

A `Briefing` concerns queues and an audience (sites, partners, languages: none means all);
each agent who may serve one of its queues within that audience gets a `Delivery`, due at
the time of its roll-out wave. A blocking briefing holds the agent back from its queues from
delivery to acknowledgement (`router.holds`). Check questions are answered before the
acknowledgement; every answer is kept (`CheckAnswer`). docs/briefings.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Agent, Partner, Site
from relais.apps.routing.models import Queue
from relais.core.briefings import RolloutMode


class Briefing(models.Model):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("text"), max_length=5000)
    # A word diff [[op, token], …], op "=" kept, "+" added, "-" removed (knowledge's versions)
    diff = models.JSONField(_("what changed"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))
    blocking = models.BooleanField(_("blocking"), default=False)
    starts_at = models.DateTimeField(_("starts at"))
    rollout_mode = models.CharField(
        _("roll-out"),
        max_length=16,
        choices=[
            (RolloutMode.AFTER_CONTACT.value, _("To every agent, after the contact in hand")),
            (RolloutMode.WAVES.value, _("In waves")),
        ],
        default=RolloutMode.AFTER_CONTACT.value,
    )
    wave_agents = models.PositiveIntegerField(_("agents per wave"), null=True, blank=True)
    wave_percent = models.FloatField(_("percentage of agents per wave"), null=True, blank=True)
    wave_every_minutes = models.PositiveIntegerField(_("minutes between waves"), default=10)
    queues = models.ManyToManyField(Queue, verbose_name=_("queues"), related_name="+")
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), related_name="+", blank=True)
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partners"), related_name="+", blank=True
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")

    def __str__(self) -> str:
        return self.title

    @property
    def hold_source(self) -> str:
        return f"briefing:{self.pk}"


class CheckQuestion(models.Model):
    briefing = models.ForeignKey(
        Briefing, verbose_name=_("briefing"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    prompt = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"))  # list of strings
    correct = models.PositiveSmallIntegerField(_("correct choice"))

    class Meta:
        ordering = ["briefing", "order"]
        verbose_name = _("check question")
        verbose_name_plural = _("check questions")

    def __str__(self) -> str:
        return self.prompt


class Delivery(models.Model):
    """One briefing for one agent: due in its wave, delivered, acknowledged."""

    briefing = models.ForeignKey(
        Briefing, verbose_name=_("briefing"), on_delete=models.CASCADE, related_name="deliveries"
    )
    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    wave = models.PositiveIntegerField(_("wave"))
    due_at = models.DateTimeField(_("due at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    wrong_answers = models.PositiveIntegerField(_("wrong answers"), default=0)
    contacts_before = models.PositiveIntegerField(
        _("contacts handled before acknowledging"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("briefing delivery")
        verbose_name_plural = _("briefing deliveries")
        constraints = [
            models.UniqueConstraint(fields=["briefing", "agent"], name="briefings_delivery_unique")
        ]
        indexes = [models.Index(fields=["delivered_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.briefing_id} → {self.agent_id}"


class CheckAnswer(models.Model):
    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        CheckQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    choice = models.PositiveSmallIntegerField(_("choice"))
    correct = models.BooleanField(_("correct"))
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("check answer")
        verbose_name_plural = _("check answers")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice}"
