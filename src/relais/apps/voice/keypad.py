"""The keypad: digits pressed on a call (RFC 4733 events, as rtpengine reports them) and the
survey a caller answers with them once the agent has hung up (docs/voice.md, "Keypad").

The voice service knows nothing of satisfaction surveys (a lower layer): the satisfaction app
gives it a `SurveyDesk` when Django starts (`survey_desk_set`), which opens a caller's
survey and records the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

#: rtpengine's `event` numbers (RFC 4733, 3.2) as the keys a person pressed.
KEYS = "0123456789*#ABCD"

#: The questions a keypad can answer, in the order they are asked, and what each key means.
KEYPAD_SCALES: dict[str, dict[str, int | bool]] = {
    "agent_csat": {str(n): n for n in range(1, 6)},
    "company_csat": {str(n): n for n in range(1, 6)},
    "effort": {str(n): n for n in range(1, 6)},
    "resolved": {"1": True, "2": False},
}


def key_of(event: int) -> str | None:
    """The key for an RFC 4733 event number (None: not a key, a tone such as a fax's)."""
    return KEYS[event] if 0 <= event < len(KEYS) else None


def keypad_value(question: str, key: str) -> int | bool | None:
    """What `key` answers to `question`; None for a key outside its scale."""
    return KEYPAD_SCALES.get(question, {}).get(key)


@dataclass(frozen=True)
class KeypadSurvey:
    """A survey the caller is asked on the line: its invitation, the questions (prompt names
    `survey_<question>`) and the language they are spoken in."""

    invitation_id: int
    questions: tuple[str, ...]
    language: str


class SurveyDesk(Protocol):
    def survey_open(self, *, contact_id: int) -> KeypadSurvey | None:
        """The survey to ask the caller of this ended call now, or None (not sampled, not
        asked on the keypad, surveyed recently…)."""

    def survey_record(self, *, invitation_id: int, answers: dict[str, int | bool]) -> None:
        """Record the answers given (refused answers raise `RelaisError`)."""


_desk: SurveyDesk | None = None


def survey_desk_set(desk: SurveyDesk | None) -> None:
    global _desk  # one registration, when Django starts
    _desk = desk


def survey_desk() -> SurveyDesk | None:
    return _desk
