"""The live figures in words (live.wording): alert sentences and formatted figures made on the
server in the viewer's language, French typography included."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.supervision.live.frames import Alert, DayChart, FigureRow, LiveFigures
from relais.apps.supervision.live.wording import alert_text, localized

NOW = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)
NNBSP, NBSP = "\u202f", "\u00a0"


def _alert(kind: str, value: float, threshold: float, subject: str = "Orders") -> Alert:
    return Alert(
        kind=kind, key="orders", subject=subject, value=value, threshold=threshold, since=NOW
    )


@pytest.mark.parametrize(
    ("alert", "english", "french"),
    [
        (
            _alert("service_level", 0.724, 0.8),
            "Orders: service level 72.4%, under the target of 80.0%",
            f"Orders{NNBSP}: niveau de service 72,4{NNBSP}%, sous l’objectif de 80,0{NNBSP}%",
        ),
        (
            _alert("waiting", 45, 20),
            f"Orders: a contact has waited 45{NBSP}s, beyond 20{NBSP}s",
            f"Orders{NNBSP}: un contact attend depuis 45{NBSP}s, au-delà de 20{NBSP}s",
        ),
        (
            _alert("unreachable", 1, 0),
            "Orders: 1 contact waits and nobody logged in can answer it",
            f"Orders{NNBSP}: 1 contact attend et aucun conseiller connecté ne peut y répondre",
        ),
        (
            _alert("unreachable", 1234, 0),
            "Orders: 1,234 contacts wait and nobody logged in can answer them",
            f"Orders{NNBSP}: 1{NNBSP}234 contacts attendent et aucun conseiller connecté ne peut y"
            " répondre",
        ),
        (
            _alert("break", 4000, 3600, subject="Élodie Martin"),
            f"Élodie Martin: on break for 1{NBSP}h{NBSP}07{NBSP}min, beyond the planned 1{NBSP}h",
            f"Élodie Martin{NNBSP}: en pause depuis 1{NBSP}h{NBSP}07{NBSP}min, au-delà de la"
            f" durée prévue (1{NBSP}h)",
        ),
    ],
)
def test_each_alert_reads_as_a_sentence_in_english_and_french(
    alert: Alert, english: str, french: str
) -> None:
    assert alert_text(alert, "en") == english
    assert alert_text(alert, "fr") == french


def _figures() -> LiveFigures:
    orders = FigureRow(key="orders", label="Orders", label_fr="Commandes", waiting=3)
    return LiveFigures(
        at=NOW,
        scope="all",
        totals=FigureRow(key="total", label="total", service_level=0.924, answered=1234),
        rows={"queue": [orders]},
        agents=[],
        alerts=[_alert("waiting", 130, 20)],
        chart=DayChart(intervals=[], answered={}, service_level={}, unanswered=[]),
    )


def test_a_frame_in_french_carries_french_figures_and_the_queue_s_french_name() -> None:
    figures = localized(_figures(), "fr")

    assert figures.language == "fr"
    assert figures.totals.display["service_level"] == f"92,4{NNBSP}%"
    assert figures.totals.display["answered"] == f"1{NNBSP}234"
    assert figures.totals.display["occupancy"] == "—"
    assert figures.rows["queue"][0].display["waiting"] == "3"
    assert figures.alerts[0].text == (
        f"Commandes{NNBSP}: un contact attend depuis 2{NBSP}min, au-delà de 20{NBSP}s"
    )
    assert figures.totals.service_level == 0.924  # the figure itself stays, for colours


def test_a_frame_in_english_keeps_the_english_name() -> None:
    figures = localized(_figures(), "en")

    assert figures.totals.display["service_level"] == "92.4%"
    assert figures.totals.display["answered"] == "1,234"
    assert figures.alerts[0].text.startswith("Orders: a contact has waited 2")
