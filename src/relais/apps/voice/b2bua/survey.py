"""The keypad survey a caller hears once the agent has hung up (docs/voice.md, "Keypad").

Each question is a prompt (`survey_<question>`, the intro before the first); a key pressed
during it answers at once (the prompt stops), otherwise the caller has `QUESTION_WAIT_S`
after it. A key outside the question's scale asks it again, once. No key, or a second wrong
one, ends the survey: what was answered is recorded (`control.call_survey_answer`), the caller
hears the thanks, and the call is hung up. A caller who hangs up first keeps what they
answered. Runs on the reactor, like the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sippy.Time.Timeout import Timeout

from relais.apps.voice.keypad import KeypadSurvey, keypad_value

QUESTION_WAIT_S = 8.0


class SurveyedCall(Protocol):
    """What the survey needs of its call (`call.Call`)."""

    def say(self, *prompts: str, then: Callable[[], None] | None = None) -> None: ...
    def end(self, *, by: str) -> None: ...
    def record_survey(self, invitation_id: int, answers: dict[str, int | bool]) -> None: ...


@dataclass(eq=False)
class SurveyRun:
    call: SurveyedCall
    survey: KeypadSurvey
    index: int = 0
    answers: dict[str, int | bool] = field(default_factory=dict)
    asked_again: bool = False
    over: bool = False
    wait_serial: int = 0  # the running wait for a key; a key or the end makes it stale

    @property
    def question(self) -> str:
        return self.survey.questions[self.index]

    def ask(self, *, first: bool = False) -> None:
        prompts = ("survey_intro",) if first else ()
        self.call.say(*prompts, f"survey_{self.question}", then=self._wait)

    def _wait(self) -> None:
        self.wait_serial += 1
        Timeout(self._no_key, QUESTION_WAIT_S, 1, self.wait_serial)

    def _no_key(self, serial: int) -> None:
        if serial == self.wait_serial and not self.over:
            self.finish()

    def key(self, key: str) -> None:
        """The caller pressed `key` (during the question or the wait after it)."""
        if self.over:
            return
        self.wait_serial += 1
        value = keypad_value(self.question, key)
        if value is None:
            if self.asked_again:
                self.finish()
            else:
                self.asked_again = True
                self.ask()
            return
        self.answers[self.question] = value
        self.index += 1
        self.asked_again = False
        if self.index < len(self.survey.questions):
            self.ask()
        else:
            self.finish()

    def finish(self) -> None:
        """Record, thank, hang up."""
        self._close()
        self.call.say("survey_thanks", then=lambda: self.call.end(by="agent"))

    def caller_left(self) -> None:
        if not self.over:
            self._close()

    def _close(self) -> None:
        self.over = True
        self.wait_serial += 1
        if self.answers:
            self.call.record_survey(self.survey.invitation_id, dict(self.answers))
