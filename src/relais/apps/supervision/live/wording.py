"""The live figures in the viewer's language (docs/supervision.md, "Language"): each alert as a
sentence and every figure formatted by `relais.apps.l10n` (92,4 % and 1 234 in French), made on
the server so that the wallboard reads like every other page and the browser formats nothing
but the ticking times (mm:ss).

`localized` leaves the language-neutral figures in place (the page still colours, sorts and
filters by them) and adds `display` (figure name -> text) to each row and `text` to each alert.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.apps.l10n import formatting
from relais.apps.supervision.live.frames import AgentRow, Alert, FigureRow, LiveFigures

PERCENTS = (
    "service_level",
    "service_level_30m",
    "service_level_target",
    "abandonment_rate",
    "occupancy",
)
SECONDS = (
    "average_speed_of_answer",
    "average_handling_time",
    "oldest_waiting_seconds",
    "longest_wait_seconds",
    "service_level_seconds",
)
COUNTS = ("waiting", "offered", "answered", "abandoned", "handled")


def _seconds(value: Any, language: str) -> str:
    if value is None:
        return formatting.EMPTY
    return f"{formatting.decimal(value, 0, language=language)}{formatting.NBSP}s"


def _wait(seconds: float, language: str) -> str:
    """A wait in words: seconds under 100 s, then minutes (``1 h 05 min``)."""
    if seconds < 100:
        return _seconds(seconds, language)
    return formatting.duration(seconds, language=language)


def _display(row: Any, names: tuple[str, ...], language: str) -> dict[str, str]:
    shown: dict[str, str] = {}
    for name in names:
        value = getattr(row, name)
        if name in PERCENTS:
            shown[name] = formatting.percent(value, language=language)
        elif name in SECONDS:
            shown[name] = _seconds(value, language)
        else:
            shown[name] = formatting.decimal(value, 0, language=language)
    return shown


def _row(row: FigureRow, language: str) -> FigureRow:
    return row.model_copy(update={"display": _display(row, PERCENTS + SECONDS + COUNTS, language)})


def _agent(agent: AgentRow, language: str) -> AgentRow:
    names = ("occupancy", "average_handling_time")
    return agent.model_copy(update={"display": _display(agent, names, language)})


def alert_text(alert: Alert, language: str, *, subject: str | None = None) -> str:
    """The alert as a sentence in `language`, with French typography; `subject` replaces the
    alert's own (a queue's French name)."""
    who = subject or alert.subject
    with translation.override(language):
        if alert.kind == "service_level":
            text = _("%(queue)s: service level %(value)s, under the target of %(target)s") % {
                "queue": who,
                "value": formatting.percent(alert.value, language=language),
                "target": formatting.percent(alert.threshold, language=language),
            }
        elif alert.kind == "waiting":
            text = _("%(queue)s: a contact has waited %(wait)s, beyond %(target)s") % {
                "queue": who,
                "wait": _wait(alert.value, language),
                "target": _seconds(alert.threshold, language),
            }
        elif alert.kind == "unreachable":
            count = round(alert.value)
            text = ngettext(
                "%(queue)s: %(count)s contact waits and nobody logged in can answer it",
                "%(queue)s: %(count)s contacts wait and nobody logged in can answer them",
                count,
            ) % {"queue": who, "count": formatting.decimal(count, 0, language=language)}
        elif alert.kind == "disconnected":
            text = _("%(agent)s: connection lost %(duration)s ago") % {
                "agent": who,
                "duration": _wait(alert.value, language),
            }
        else:  # break
            text = _("%(agent)s: on break for %(duration)s, beyond the planned %(plan)s") % {
                "agent": who,
                "duration": _wait(alert.value, language),
                "plan": _wait(alert.threshold, language),
            }
    return formatting.typography(text, language=language)


def localized(figures: LiveFigures, language: str) -> LiveFigures:
    """`figures` with each alert's sentence and each row's formatted figures in `language`."""
    french_queue = {
        row.key: row.label_fr
        for row in figures.rows.get("queue", [])
        if row.label_fr and formatting.is_french(language)
    }

    def text(alert: Alert) -> Alert:
        subject = french_queue.get(alert.key) if alert.kind in QUEUE_ALERTS else None
        return alert.model_copy(update={"text": alert_text(alert, language, subject=subject)})

    return figures.model_copy(
        update={
            "language": language,
            "totals": _row(figures.totals, language),
            "rows": {dim: [_row(r, language) for r in rows] for dim, rows in figures.rows.items()},
            "agents": [_agent(a, language) for a in figures.agents],
            "alerts": [text(a) for a in figures.alerts],
        }
    )


#: Alerts about a queue (their key is the queue's code); the others are about an agent.
QUEUE_ALERTS = frozenset({"service_level", "waiting", "unreachable"})
