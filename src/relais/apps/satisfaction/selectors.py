"""Reads of the surveys: the invitation a signed token names, its questions, when it closed."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import formats, timezone

from relais.apps.errors import RelaisError
from relais.apps.satisfaction.errors import ErrorCode
from relais.apps.satisfaction.models import SurveyInvitation, SurveyPolicy

SIGNING_SALT = "relais.satisfaction.survey"


def survey_token(invitation: SurveyInvitation) -> str:
    """The signed reference a link or the widget carries (nothing guessable, nothing personal)."""
    return signing.dumps(invitation.pk, salt=SIGNING_SALT, compress=True)


def survey_url(invitation: SurveyInvitation) -> str:
    """The signed link a customer opens, in the survey's language, for e-mail and SMS."""
    path = reverse("satisfaction:survey", args=[survey_token(invitation)])
    return f"{settings.PUBLIC_URL}{path}?lang={invitation.language}"


def invitation_for_token(token: str) -> SurveyInvitation:
    try:
        pk = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature as error:
        raise RelaisError(ErrorCode.SURVEY_NOT_FOUND) from error
    invitation = SurveyInvitation.objects.select_related("policy").filter(pk=pk).first()
    if invitation is None:
        raise RelaisError(ErrorCode.SURVEY_NOT_FOUND)
    return invitation


def closed_text(invitation: SurveyInvitation) -> str:
    """When the survey closed, in the active language."""
    return formats.date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT")


def asked_questions(policy: SurveyPolicy) -> set[str]:
    flags = {
        "agent_csat": policy.ask_agent_csat,
        "company_csat": policy.ask_company_csat,
        "nps": policy.ask_nps,
        "effort": policy.ask_effort,
        "resolved": policy.ask_resolved,
        "comment": policy.ask_comment,
    }
    return {name for name, asked in flags.items() if asked}


def questions_of(policy: SurveyPolicy) -> list[str]:
    order = ("agent_csat", "company_csat", "nps", "effort", "resolved", "comment")
    asked = asked_questions(policy)
    return [name for name in order if name in asked]
