"""Partners, sites, teams, skills and agents: who answers the contact centre's customers."""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relais.core.places import is_country_code, is_time_zone

MAX_CAPACITY = {"voice": 2, "chat": 8, "email": 20}


def validate_country(value: str) -> None:
    if not is_country_code(value):
        raise ValidationError(_("Unknown country code: use ISO 3166-1 alpha-2, such as FR or MA."))


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(_("Unknown time zone: use an IANA name such as Europe/Paris."))


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """A site's allowed networks: CIDR blocks (or single addresses) separated by commas, spaces or
    new lines; empty text is an empty list (anywhere). Raises ValueError on a bad entry."""
    return [
        ipaddress.ip_network(entry, strict=False)
        for entry in re.split(r"[\s,;]+", text.strip())
        if entry
    ]


def validate_networks(value: str) -> None:
    for entry in re.split(r"[\s,;]+", value.strip()):
        if not entry:
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValidationError(
                _("Not a network: %(entry)s (write CIDR blocks such as 192.0.2.0/24)."),
                params={"entry": entry},
            ) from None


class SiteKind(models.TextChoices):
    INSHORE = "inshore", _("Inshore")
    OFFSHORE = "offshore", _("Offshore")
    HOMESHORE = "homeshore", _("Homeshore")


class Employment(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    PARTNER = "partner", _("Partner")


class SkillKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    LANGUAGE = "language", _("Language")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Partner(models.Model):
    """An outsourcer that answers customers on the company's behalf."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"), validators=[validate_country]
    )
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A place agents work from: an internal site, a partner's centre, or home."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SiteKind.choices)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"), validators=[validate_country]
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        help_text=_("IANA, e.g. Europe/Paris"),
        validators=[validate_time_zone],
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        help_text=_("Empty for the company's own sites."),
    )
    active = models.BooleanField(_("active"), default=True)
    allowed_networks = models.TextField(
        _("allowed networks"),
        blank=True,
        validators=[validate_networks],
        help_text=_(
            "The site's agents sign in only from these networks (CIDR blocks, one per line, "
            "such as 192.0.2.0/24). Empty: from anywhere (home agents)."
        ),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="inshore") | models.Q(partner__isnull=True),
                name="inshore_site_is_internal",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening period of a site on a weekday, in the site's local time."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["site", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="closes_after_opening"
            ),
            models.UniqueConstraint(
                fields=["site", "weekday", "opens_at"], name="one_period_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Team(models.Model):
    """Agents of one site led by one or more supervisors."""

    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="teams"
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisors"),
        blank=True,
        related_name="supervised_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="team_name_per_site")]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"


class Skill(models.Model):
    """A topic an agent can handle (billing, orders…) or a language they speak."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=SkillKind.choices, default=SkillKind.TOPIC
    )
    name_en = models.CharField(_("name in English"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_fr if (get_language() or "fr").startswith("fr") else self.name_en


class Agent(models.Model):
    """A person who answers contacts, on a site or at home, employed by us or by a partner."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="agent",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="agents"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
    )
    employment = models.CharField(_("employment"), max_length=16, choices=Employment.choices)
    capacity_voice = models.PositiveSmallIntegerField(
        _("voice capacity"), default=1, validators=[MaxValueValidator(MAX_CAPACITY["voice"])]
    )
    capacity_chat = models.PositiveSmallIntegerField(
        _("chat capacity"), default=3, validators=[MaxValueValidator(MAX_CAPACITY["chat"])]
    )
    capacity_email = models.PositiveSmallIntegerField(
        _("e-mail capacity"), default=5, validators=[MaxValueValidator(MAX_CAPACITY["email"])]
    )
    active = models.BooleanField(_("active"), default=True)
    skills = models.ManyToManyField(
        Skill, through="AgentSkill", verbose_name=_("skills"), related_name="agents"
    )

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def partner_id(self) -> int | None:
        return self.site.partner_id


class AgentSkill(models.Model):
    """How well an agent masters a skill, from 1 (basic) to 5 (expert)."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="skill_levels"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="agent_levels"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="one_level_per_skill"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="skill_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill.code}={self.level}"
