"""What the customer's survey sends and receives (the widget's JSON and the public page)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AnswerIn(BaseModel):
    """An answer: every question optional, each within its scale, at least one given."""

    model_config = ConfigDict(extra="forbid")

    agent_csat: int | None = Field(default=None, ge=1, le=5)
    company_csat: int | None = Field(default=None, ge=1, le=5)
    nps: int | None = Field(default=None, ge=0, le=10)
    effort: int | None = Field(default=None, ge=1, le=5)
    resolved: bool | None = None
    comment: str = Field(default="", max_length=2000)

    def is_empty(self) -> bool:
        return not self.comment.strip() and all(
            value is None
            for value in (self.agent_csat, self.company_csat, self.nps, self.effort, self.resolved)
        )


class ChatSurveyIn(BaseModel):
    """The widget, when its conversation ends: the customer's chat token."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)


class QuestionsOut(BaseModel):
    """The survey the widget shows: where to answer and which questions to ask."""

    answer_url: str
    questions: list[str]
