"""The voice record: numbers (DIDs) mapped to queues, one call per voice contact, and how
each agent's phone is reached (docs/voice.md, "The record")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Channel, Queue

#: E.164: a plus, a country code that does not start with 0, at most 15 digits.
E164 = r"^\+[1-9]\d{1,14}$"
validate_e164 = RegexValidator(
    E164, _("Write the number in E.164 form: a plus and up to 15 digits, e.g. +33199000101.")
)


def validate_sip_uri(value: str) -> None:
    if not value.startswith(("sip:", "sips:")) or "@" not in value or " " in value:
        raise ValidationError(
            _("Write a SIP address, e.g. sip:poste-12@192.0.2.10:5060."), code="sip_uri"
        )


class PromptLanguage(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class Number(models.Model):
    """A dialled number (the Request-URI's user, E.164) and the voice queue it rings."""

    number = models.CharField(_("number"), max_length=16, unique=True, validators=[validate_e164])
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        related_name="numbers",
        limit_choices_to={"channel": Channel.VOICE},
    )
    language = models.CharField(
        _("prompt language"),
        max_length=2,
        choices=PromptLanguage.choices,
        default=PromptLanguage.FRENCH,
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("number")
        verbose_name_plural = _("numbers")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.label}".strip()

    def clean(self) -> None:
        if self.queue_id is not None and self.queue.channel != Channel.VOICE:
            raise ValidationError({"queue": _("Choose a queue of the voice channel.")})


class CallState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("Answered")
    ENDED = "ended", _("Ended")


class HungUpBy(models.TextChoices):
    CALLER = "caller", _("Caller")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class Call(models.Model):
    """The telephone side of one voice contact: who called which number, the caller leg's
    SIP Call-ID, and the dialog data a standby voice service needs to end the call after a
    failover (`dialog`: the caller's and the agent's legs, rtpengine's call id and tags).

    `caller` is the customer's number: personal data, shown masked like the contact's
    customer reference (relais.core.privacy)."""

    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="call",
    )
    caller = models.CharField(_("caller's number"), max_length=64, blank=True)
    number = models.ForeignKey(
        Number, verbose_name=_("dialled number"), on_delete=models.PROTECT, related_name="calls"
    )
    sip_call_id = models.CharField(_("SIP Call-ID"), max_length=255, unique=True)
    dialog = models.JSONField(
        _("dialog data"),
        default=dict,
        blank=True,
        help_text=_("Both legs' Call-ID, tags, CSeq, remote target and route set; rtpengine's."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=CallState.choices, default=CallState.QUEUED
    )
    created_at = models.DateTimeField(_("created at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.CharField(_("hung up by"), max_length=8, choices=HungUpBy.choices, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-contact_id"]
        indexes = [models.Index(fields=["state"], name="call_state")]

    def __str__(self) -> str:
        return f"call #{self.contact_id} {self.state}"


class LineKind(models.TextChoices):
    BROWSER = "browser", _("Browser (softphone)")
    DESK_PHONE = "desk_phone", _("SIP desk phone")


class AgentLine(models.Model):
    """How an agent's calls ring: the desktop's softphone (registered as the agent's address
    of record) or a SIP desk phone, optionally at a fixed contact address."""

    agent = models.OneToOneField(
        Agent,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="line",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=LineKind.choices, default=LineKind.BROWSER
    )
    static_contact = models.CharField(
        _("fixed SIP contact"),
        max_length=255,
        blank=True,
        validators=[validate_sip_uri],
        help_text=_("A desk phone that does not register: where to send its calls."),
    )

    class Meta:
        verbose_name = _("agent's phone line")
        verbose_name_plural = _("agents' phone lines")

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.kind}"

    def clean(self) -> None:
        if self.static_contact and self.kind != LineKind.DESK_PHONE:
            raise ValidationError(
                {"static_contact": _("Only a desk phone has a fixed contact address.")}
            )
