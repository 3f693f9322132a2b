"""The keypad survey of a call, for the voice service (`voice.keypad.SurveyDesk`): invite the
caller of a call the agent has just hung up, when the queue's policy asks it on the keypad,
and record the keys they pressed as the survey's answer (docs/satisfaction.md, "Keypad")."""

from __future__ import annotations

from relais.apps.interactions.models import Contact
from relais.apps.satisfaction import selectors, services
from relais.apps.satisfaction.models import Delivery, SurveyInvitation, SurveyPolicy
from relais.apps.satisfaction.schemas import AnswerIn
from relais.apps.voice.keypad import KEYPAD_SCALES, KeypadSurvey


class KeypadDesk:
    def survey_open(self, *, contact_id: int) -> KeypadSurvey | None:
        contact = Contact.objects.filter(pk=contact_id).first()
        if contact is None:
            return None
        policy = SurveyPolicy.objects.filter(queue_id=contact.queue_id, active=True).first()
        if policy is None or not policy.keypad_after_calls:
            return None
        asked = selectors.asked_questions(policy)
        questions = tuple(name for name in KEYPAD_SCALES if name in asked)
        if not questions:
            return None
        language = str(contact.attributes.get("language") or "fr")
        invitation = services.survey_invite(
            contact=contact, delivery=Delivery.KEYPAD, language=language
        )
        if invitation is None or invitation.delivery != Delivery.KEYPAD:
            return None  # not in the sample, surveyed lately, or invited another way
        if SurveyInvitation.objects.filter(pk=invitation.pk, answer__isnull=False).exists():
            return None
        return KeypadSurvey(invitation.pk, questions, invitation.language)

    def survey_record(self, *, invitation_id: int, answers: dict[str, int | bool]) -> None:
        invitation = SurveyInvitation.objects.select_related("policy", "contact").get(
            pk=invitation_id
        )
        services.survey_answer(invitation=invitation, answer=AnswerIn.model_validate(answers))
