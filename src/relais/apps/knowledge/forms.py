"""The article form of the knowledge pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from relais.apps.desktop.models import WrapUpReason
from relais.apps.knowledge.access import WRITER_ROLES
from relais.apps.knowledge.models import (
    Article,
    ArticleKind,
    ArticleLanguage,
    Audience,
    Topic,
)
from relais.apps.knowledge.services import ArticleFields
from relais.apps.organisation.models import Partner, Site
from relais.apps.routing.models import Queue


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Body (Markdown)"), widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False)
    partner = forms.ModelChoiceField(
        label=_("Only for the partner"), queryset=Partner.objects.all(), required=False
    )
    site = forms.ModelChoiceField(
        label=_("Only for the site"), queryset=Site.objects.all(), required=False
    )
    only_language = forms.CharField(
        label=_("Only for agents speaking (language code)"), max_length=8, required=False
    )
    tags = forms.CharField(label=_("Tags (comma-separated)"), max_length=400, required=False)
    review_by = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=get_user_model().objects.filter(role__in=WRITER_ROLES, is_active=True),
        required=False,
    )
    queues = forms.ModelMultipleChoiceField(
        label=_("Queues"), queryset=Queue.objects.all(), required=False
    )
    contact_reasons = forms.ModelMultipleChoiceField(
        label=_("Contact reasons"), queryset=WrapUpReason.objects.all(), required=False
    )

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "body": article.body,
            "kind": article.kind,
            "audience": article.audience,
            "language": article.language,
            "topic": article.topic_id,
            "partner": article.partner_id,
            "site": article.site_id,
            "only_language": article.only_language,
            "tags": ", ".join(article.tags),
            "review_by": article.review_by,
            "reviewers": list(article.reviewers.values_list("pk", flat=True)),
            "queues": list(article.queues.values_list("pk", flat=True)),
            "contact_reasons": list(article.contact_reasons.values_list("pk", flat=True)),
        }

    def fields_value(self) -> ArticleFields:
        data = self.cleaned_data
        return ArticleFields(
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            audience=data["audience"],
            language=data["language"],
            topic_id=data["topic"].pk if data["topic"] else None,
            partner_id=data["partner"].pk if data["partner"] else None,
            site_id=data["site"].pk if data["site"] else None,
            only_language=data["only_language"],
            tags=tuple(t for t in data["tags"].split(",") if t.strip()),
            review_by=data["review_by"],
            reviewer_ids=tuple(u.pk for u in data["reviewers"]),
            queue_ids=tuple(q.pk for q in data["queues"]),
            reason_ids=tuple(r.pk for r in data["contact_reasons"]),
        )
