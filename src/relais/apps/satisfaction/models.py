"""Survey policies per queue, the invitations sent after a contact and their single answer,
and the first-contact-resolution judgement of each handled contact (docs/satisfaction.md)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent, Partner, Site, SiteKind, Team
from relais.apps.routing.models import Queue


class Attribution(models.TextChoices):
    LAST_AGENT = "last", _("The last agent who handled the contact")
    LONGEST = "longest", _("The agent who handled it longest")


class Delivery(models.TextChoices):
    WIDGET = "widget", _("In the chat widget when the conversation ends")
    LINK = "link", _("A signed link that expires")
    KEYPAD = "keypad", _("On the telephone keypad, once the agent has hung up")


class WaitBand(models.TextChoices):
    """Waiting-time bands of the standardised comparison (overflow takes the long waiters)."""

    UNDER_20S = "0-20s", _("under 20 s")
    UNDER_1M = "20-60s", _("20 s to 1 min")
    UNDER_3M = "1-3min", _("1 to 3 min")
    LONGER = "3min+", _("over 3 min")


class SurveyPolicy(models.Model):
    """Whether and how the customers of a queue are asked about their contact."""

    queue = models.OneToOneField(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="survey_policy"
    )
    active = models.BooleanField(_("active"), default=True)
    sampling_percent = models.PositiveSmallIntegerField(
        _("share of contacts surveyed (%)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    ask_agent_csat = models.BooleanField(_("satisfaction with the agent (1-5)"), default=True)
    ask_company_csat = models.BooleanField(
        _("satisfaction with the answer and the company (1-5)"), default=True
    )
    ask_nps = models.BooleanField(_("likelihood to recommend (NPS 0-10)"), default=True)
    ask_effort = models.BooleanField(_("customer effort (1-5)"), default=False)
    ask_resolved = models.BooleanField(_("was your request resolved?"), default=True)
    ask_comment = models.BooleanField(_("free text"), default=True)
    keypad_after_calls = models.BooleanField(
        _("calls: asked on the keypad once the agent hangs up"),
        default=True,
        help_text=_(
            "The caller stays on the line for the questions a keypad can answer (the two "
            "satisfactions, effort, resolved). Otherwise, or when the caller hangs up first, "
            "a link by SMS when one is configured."
        ),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    quiet_days = models.PositiveSmallIntegerField(
        _("no second survey to the same customer within (days)"), default=30
    )
    link_valid_hours = models.PositiveSmallIntegerField(
        _("a link can be answered for (hours)"), default=72
    )
    attribution = models.CharField(
        _("score attributed to"),
        max_length=8,
        choices=Attribution.choices,
        default=Attribution.LAST_AGENT,
    )

    class Meta:
        verbose_name = _("survey policy")
        verbose_name_plural = _("survey policies")

    def __str__(self) -> str:
        return str(self.queue)


class Attributed(models.Model):
    """Who a contact's figures belong to, copied when they are recorded, and its stratum
    (queue x contact reason x waiting band) for the standardised comparison."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    site_kind = models.CharField(_("site kind"), max_length=16, choices=SiteKind.choices)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("contact reason"), max_length=40, blank=True)
    wait_band = models.CharField(_("waiting band"), max_length=8, choices=WaitBand.choices)

    class Meta:
        abstract = True


class SurveyInvitation(Attributed):
    """One survey offered to the customer of one contact; answered at most once."""

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="survey"
    )
    policy = models.ForeignKey(
        SurveyPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+"
    )
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices)
    language = models.CharField(_("language"), max_length=2, default="fr")
    customer_key = models.CharField(_("customer"), max_length=160, blank=True)
    handlings = models.JSONField(
        _("handlings"),
        default=list,
        blank=True,
        help_text=_("Every agent who handled the contact, in order, with their seconds."),
    )
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [models.Index(fields=["customer_key", "sent_at"], name="survey_customer")]

    def __str__(self) -> str:
        return f"#{self.contact_id} {self.delivery}"


class SurveyAnswer(models.Model):
    """The customer's answer; the one-to-one keeps it single whatever is replayed."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.PROTECT,
        related_name="answer",
    )
    answered_at = models.DateTimeField(_("answered at"), db_index=True)
    agent_csat = models.PositiveSmallIntegerField(_("satisfaction with the agent"), null=True)
    company_csat = models.PositiveSmallIntegerField(_("satisfaction with the answer"), null=True)
    nps = models.PositiveSmallIntegerField(_("likelihood to recommend"), null=True)
    effort = models.PositiveSmallIntegerField(_("effort"), null=True)
    resolved = models.BooleanField(_("resolved, says the customer"), null=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self) -> str:
        return f"#{self.invitation_id}"


class FcrOutcome(models.IntegerChoices):
    RESOLVED = 1, _("Resolved at first contact")
    REPEAT = 0, _("Repeat contact")
    PENDING = 2, _("Pending (inside the window)")
    UNIDENTIFIED = 3, _("Customer not identified")


class FcrCell(Attributed):
    """One attribution and stratum the judgements share, numbered by `fcr_recompute`: the
    league groups a year of judgements by this number instead of by eight columns, three of
    them text (five times faster on PostgreSQL: bench.quality_report)."""

    code = models.PositiveIntegerField(_("code"), primary_key=True)

    class Meta:
        verbose_name = _("first-contact resolution cell")
        verbose_name_plural = _("first-contact resolution cells")

    def __str__(self) -> str:
        return f"#{self.code}"


class FcrJudgement(Attributed):
    """The first-contact-resolution outcome of one handled contact, charged to whoever
    handled it even when another partner took the repeat; rebuilt by `fcr_recompute`, with
    its attribution and stratum also numbered (`cell`)."""

    # Derived rows, rebuilt together from the contacts in one transaction: the database does
    # not check their references (three million rows checked one by one took half of
    # `relais fcr`); deleting a contact, an agent or a queue still cascades or is refused.
    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    cell = models.ForeignKey(
        FcrCell,
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    agent = models.ForeignKey(
        Agent,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    arrived_at = models.DateTimeField(_("arrived at"), db_index=True)
    outcome = models.PositiveSmallIntegerField(_("outcome"), choices=FcrOutcome.choices)

    class Meta:
        verbose_name = _("first-contact resolution")
        verbose_name_plural = _("first-contact resolutions")

    def __str__(self) -> str:
        return f"#{self.contact_id} {self.outcome}"


class FcrTally(models.Model):
    """The judgements of one cell arrived in one calendar month (UTC), counted as the league
    counts them. The database keeps it: triggers on `FcrJudgement` add and subtract every row
    inserted, updated or deleted, however it is written (migration 0006). The league reads the
    whole months of its period here and only the days at either end from the judgements.
    SQLite drops a table's triggers when a migration rebuilds the table: a later migration
    that alters `FcrJudgement` must create them again (tests/apps/satisfaction/
    test_league_reads.py fails otherwise)."""

    cell = models.PositiveIntegerField(_("cell"))
    month = models.DateField(_("month"))
    handled = models.PositiveIntegerField(_("handled"))
    identified = models.PositiveIntegerField(_("identified"))
    pending = models.PositiveIntegerField(_("pending"))
    judged = models.PositiveIntegerField(_("judged"))
    resolved = models.PositiveIntegerField(_("resolved"))

    class Meta:
        verbose_name = _("first-contact resolution tally")
        verbose_name_plural = _("first-contact resolution tallies")
        constraints = [
            models.UniqueConstraint(fields=["cell", "month"], name="fcr_tally_cell_month")
        ]

    def __str__(self) -> str:
        return f"#{self.cell} {self.month:%Y-%m}"
