"""Articles, their published versions, images, uses in contacts, and self-service sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    PROCEDURE = "procedure", _("Procedure")
    ANSWER = "answer", _("Answer")
    SCRIPT = "script", _("Script")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public (self-service)")
    AGENTS = "agents", _("All agents")
    INTERNAL = "internal", _("Internal only")


class ArticleLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class Topic(models.Model):
    """What an article is about, as the help centre groups them and reports count them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_fr if (get_language() or "fr").startswith("fr") else self.name_en


class Article(models.Model):
    """A procedure, an answer or a script; `title` and `body` are the working copy, what
    readers see is the published `current_version`."""

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=ArticleLanguage.choices, default="fr"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, null=True, blank=True
    )
    partner = models.ForeignKey(
        "organisation.Partner",
        verbose_name=_("only for the partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    site = models.ForeignKey(
        "organisation.Site",
        verbose_name=_("only for the site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    only_language = models.CharField(
        _("only for agents speaking"),
        max_length=8,
        blank=True,
        help_text=_("A language skill code such as nl; empty: any."),
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    queues = models.ManyToManyField(
        "routing.Queue", verbose_name=_("queues"), blank=True, related_name="+"
    )
    contact_reasons = models.ManyToManyField(
        "desktop.WrapUpReason", verbose_name=_("contact reasons"), blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewers"),
        blank=True,
        related_name="knowledge_reviews",
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    current_version = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("published version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "audience"], name="article_status_audience")]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """What one publication made readers see; never changed afterwards."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class ArticleApproval(models.Model):
    """A named reviewer approved the article as it was submitted for review."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="approvals"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["article", "reviewer"], name="one_approval_each")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} ✓ {self.article_id}"


class ArticleImage(models.Model):
    """An image shown in an article, checked on upload, served to the article's readers only."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="images"
    )
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    data = models.BinaryField(_("data"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("article image")
        verbose_name_plural = _("article images")

    def __str__(self) -> str:
        return self.name


class SearchGeneration(models.Model):
    """One row counting the changes to what search may find; every web process rebuilds its
    index when the number it holds is behind."""

    value = models.PositiveBigIntegerField(_("generation"), default=0)
    #: Random at each change: a change rolled back after a process read it inside its own
    #: transaction can never look like the next committed one.
    stamp = models.CharField(_("stamp"), max_length=32, default="")

    class Meta:
        verbose_name = _("search generation")
        verbose_name_plural = _("search generations")

    def __str__(self) -> str:
        return str(self.value)


class UseKind(models.TextChoices):
    LINK = "link", _("Link inserted")
    PASSAGE = "passage", _("Passage inserted")
    OPENED = "opened", _("Opened")


class ArticleUse(models.Model):
    """An agent used an article in a contact."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="uses"
    )
    version_number = models.PositiveIntegerField(_("version"))
    contact = models.ForeignKey(
        "interactions.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    agent = models.ForeignKey(
        "organisation.Agent", verbose_name=_("agent"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UseKind.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("article use")
        verbose_name_plural = _("article uses")

    def __str__(self) -> str:
        return f"{self.article_id} → {self.contact_id} ({self.kind})"


class ArticleFeedback(models.Model):
    """A reader of the help centre said whether an article helped."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="feedback"
    )
    helpful = models.BooleanField(_("helpful"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")

    def __str__(self) -> str:
        return f"{self.article_id}: {self.helpful}"


class SessionOutcome(models.TextChoices):
    OPEN = "open", _("No answer from the customer")
    RESOLVED = "resolved", _("The customer said it answered")
    ESCALATED = "escalated", _("Went on to an agent")


class SelfServiceSession(models.Model):
    """A customer's question answered with suggestions before any agent (the chat widget)."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started at"))
    language = models.CharField(_("language"), max_length=2, default="fr")
    question = models.TextField(_("question"))
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.SET_NULL, null=True, blank=True
    )
    suggestions = models.ManyToManyField(
        Article, verbose_name=_("suggestions"), blank=True, related_name="+"
    )
    customer_key = models.CharField(_("customer"), max_length=160, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=SessionOutcome.choices, default=SessionOutcome.OPEN
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    contact = models.ForeignKey(
        "interactions.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("self-service session")
        verbose_name_plural = _("self-service sessions")
        indexes = [models.Index(fields=["started_at"], name="selfservice_started")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
