"""Queues and their overflow steps: the client's routing configuration.

`relais.apps.routing.config` turns these rows (with the organisation's sites and agents)
into the engine's `QueueConfig`, `Site` and `AgentProfile`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import (
    Partner,
    Site,
    SiteKind,
    Skill,
    validate_time_zone,
)
from relais.apps.routing.screenpop import validate_screen_pop
from relais.core.routing import weekly


def parse_hours(time_zone: str, text: str) -> list[str]:
    """The non-empty lines of an hours field ("mon-fri 08:00-18:00", one per line)."""
    specs = [line.strip() for line in text.splitlines() if line.strip()]
    if specs:
        weekly(time_zone, *specs)  # raises ValueError on a bad line
    return specs


def validate_hours(text: str) -> None:
    try:
        parse_hours("UTC", text)
    except ValueError as error:
        raise ValidationError(
            _("Cannot read these hours: %(error)s. Write one period a line: mon-fri 08:00-18:00."),
            params={"error": error},
        ) from error


class Channel(models.TextChoices):
    VOICE = "voice", _("Voice")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    CALLBACK = "callback", _("Callback")
    OUTBOUND = "outbound", _("Outbound")


class Strategy(models.TextChoices):
    LONGEST_IDLE = "longest_idle", _("Longest idle")
    BEST_SKILL = "best_skill", _("Best skill level")
    LEAST_OCCUPIED = "least_occupied", _("Least occupied")
    ROUND_ROBIN = "round_robin", _("Round robin")


class ExhaustedAction(models.TextChoices):
    KEEP_WAITING = "keep_waiting", _("Keep waiting")
    OFFER_CALLBACK = "offer_callback", _("Offer a callback")
    MOVE_TO_QUEUE = "move_to_queue", _("Move to another queue")


class Queue(models.Model):
    """Where contacts of one kind wait for an agent, and who may serve them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Only agents speaking it (a language skill code such as nl); empty: any."),
    )
    priority = models.SmallIntegerField(_("priority"), default=0, help_text=_("Higher first."))
    service_level_percent = models.PositiveSmallIntegerField(
        _("service level target (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    service_level_seconds = models.PositiveIntegerField(_("service level within (s)"), default=20)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        validators=[validate_hours],
        help_text=_("One period a line, e.g. mon-fri 08:00-18:00; empty: always open."),
    )
    strategy = models.CharField(
        _("strategy"), max_length=20, choices=Strategy.choices, default=Strategy.LONGEST_IDLE
    )
    offer_timeout_seconds = models.PositiveIntegerField(
        _("offer timeout (s)"), default=15, validators=[MinValueValidator(1)]
    )
    wrap_up_seconds = models.PositiveIntegerField(_("wrap-up (s)"), default=0)
    customer_grace_seconds = models.PositiveIntegerField(
        _("customer gone after (s)"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A waiting chat customer with no open connection for this long has left: the "
            "contact is abandoned. A page only hidden (a phone switched to another app) "
            "is kept longer."
        ),
    )
    chats_during_calls = models.BooleanField(
        _("chats during calls"),
        default=False,
        help_text=_(
            "A chat or e-mail queue: its contacts may be offered to an agent on a call, and "
            "an agent holding only such contacts may be offered a call. Otherwise a call "
            "blocks every other contact."
        ),
    )
    exhausted_action = models.CharField(
        _("when every step is exhausted"),
        max_length=20,
        choices=ExhaustedAction.choices,
        default=ExhaustedAction.KEEP_WAITING,
    )
    exhausted_after_seconds = models.PositiveIntegerField(
        _("exhausted after (s)"), default=0, help_text=_("Since the contact was queued.")
    )
    exhausted_queue = models.ForeignKey(
        "self",
        verbose_name=_("move to queue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    screen_pop_url = models.CharField(
        _("screen-pop link"),
        max_length=500,
        blank=True,
        validators=[validate_screen_pop],
        help_text=_(
            "Opens the customer's record in your CRM from the desktop, e.g. "
            "https://crm.example/customers/{customer_id}; placeholders {customer_id}, "
            "{order}, {phone}, {email} (masked fields stay out of the link)."
        ),
    )
    split_wait_bound_seconds = models.PositiveIntegerField(
        _("split: longest wait for the share's group (s)"),
        default=10,
        help_text=_(
            "With a volume split, a contact waits at most this long for an agent of a group "
            "under its target share; then any eligible agent may take it."
        ),
    )
    split_window_contacts = models.PositiveIntegerField(
        _("split: window (contacts)"),
        default=500,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("The actual shares are measured over the queue's last offered contacts."),
    )
    split_tolerance_points = models.PositiveSmallIntegerField(
        _("split: tolerance (points)"),
        default=2,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "A group more than this many points over its target share gets only the contacts "
            "that have waited the longest wait."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(exhausted_action="move_to_queue")
                | models.Q(exhausted_queue__isnull=False),
                name="move_to_queue_has_a_queue",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_fr if (get_language() or "fr").startswith("fr") else self.name_en

    def clean(self) -> None:
        if self.exhausted_action == ExhaustedAction.MOVE_TO_QUEUE and not self.exhausted_queue_id:
            raise ValidationError({"exhausted_queue": _("Choose the queue to move contacts to.")})


class QueueSkill(models.Model):
    """A skill the queue's contacts need, with its minimum level."""

    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="skill_levels"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+"
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        constraints = [
            models.UniqueConstraint(fields=["queue", "skill"], name="one_level_per_queue_skill")
        ]

    def __str__(self) -> str:
        return f"{self.skill.code}>={self.min_level}"


class StepOverride(models.TextChoices):
    """A supervisor's live decision on an overflow step, whatever its delay and hours."""

    NONE = "", _("its rules")
    OPEN = "open", _("open now")
    CLOSED = "closed", _("closed now")


class OverflowStep(models.Model):
    """After `after_seconds` of waiting, the agents of these targets become eligible too.

    No site, partner, site kind nor `internal`: anyone with the skills. `relaxed_levels`
    replaces the queue's minimum levels for this step ({"orders": 1}); `hours` restricts the
    step to periods in `hours_time_zone`; with `within_site_hours` the step is open only
    while one of its target sites is open (the site's own opening hours, local time).

    `override` (set by `router.services.overflow_step_override`, audited with its reason):
    open, the step's targets are eligible for every contact of the queue at once; closed,
    never, until the override is lifted (see `config._engine_step`).
    """

    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="overflow_steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    after_seconds = models.PositiveIntegerField(_("after (s)"), default=0)
    internal = models.BooleanField(
        _("the company's own sites"), default=False, help_text=_("Sites without a partner.")
    )
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), blank=True, related_name="+")
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partners"), blank=True, related_name="+"
    )
    site_kinds = models.JSONField(
        _("site kinds"), default=list, blank=True, help_text=_('e.g. ["homeshore"]')
    )
    relaxed_levels = models.JSONField(
        _("relaxed skill levels"), null=True, blank=True, help_text=_('e.g. {"orders": 1}')
    )
    hours_time_zone = models.CharField(
        _("hours time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    hours = models.TextField(
        _("hours"),
        blank=True,
        validators=[validate_hours],
        help_text=_("One period a line; empty: whenever the queue is open."),
    )
    within_site_hours = models.BooleanField(_("only while its sites are open"), default=False)
    skip_if_empty = models.BooleanField(_("skip when nobody is logged in"), default=True)
    override = models.CharField(
        _("override"), max_length=8, choices=StepOverride.choices, default="", blank=True
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_at = models.DateTimeField(_("override set at"), null=True, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("overflow step")
        verbose_name_plural = _("overflow steps")
        ordering = ["queue", "order"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "order"], name="one_step_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.queue.code} #{self.order} (+{self.after_seconds} s)"

    def clean(self) -> None:
        kinds = self.site_kinds or []
        if not isinstance(kinds, list) or any(kind not in SiteKind.values for kind in kinds):
            raise ValidationError({"site_kinds": _("A list of site kinds: inshore, offshore…")})
        levels = self.relaxed_levels
        if levels is not None and (
            not isinstance(levels, dict)
            or any(not isinstance(v, int) or not 0 <= v <= 5 for v in levels.values())
        ):
            raise ValidationError({"relaxed_levels": _("Skill codes with levels from 0 to 5.")})


class SplitShare(models.Model):
    """A queue's target share of its contacts for one partner's sites or one site (the
    volume split, `relais.core.routing.split`); a queue's shares sum to 100 %."""

    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="split_shares"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    percent = models.PositiveSmallIntegerField(
        _("target share (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("split share")
        verbose_name_plural = _("split shares")
        ordering = ["queue", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partner__isnull=True, site__isnull=False)
                | models.Q(partner__isnull=False, site__isnull=True),
                name="split_share_names_a_partner_or_a_site",
            )
        ]

    def __str__(self) -> str:
        group = self.site if self.site_id is not None else self.partner
        return f"{self.queue.code}: {group} {self.percent} %"

    def clean(self) -> None:
        if (self.partner_id is None) == (self.site_id is None):
            raise ValidationError(_("A share names a partner or a site, not both nor neither."))


def validate_split_shares(shares: list[tuple[int | None, int | None, int]]) -> None:
    """A queue's shares, as (partner id, site id, percent): none, or at least two that name
    each partner or site once and sum to 100 %."""
    if not shares:
        return
    if len(shares) < 2:
        raise ValidationError(_("A volume split needs at least two shares."))
    groups = [(partner, site) for partner, site, _percent in shares]
    if len(set(groups)) != len(groups):
        raise ValidationError(_("A volume split names each partner or site once."))
    total = sum(percent for _partner, _site, percent in shares)
    if total != 100:
        raise ValidationError(
            _("The split's shares sum to %(total)s %%, not 100 %%."), params={"total": total}
        )


from relais.apps.routing.holds import QueueHold  # noqa: E402, F401 - registers the model
