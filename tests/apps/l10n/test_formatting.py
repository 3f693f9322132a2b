"""The French and English formats of relais.apps.l10n, and their template filters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from relais.apps.l10n import formatting
from relais.apps.l10n.formatting import NARROW_NBSP as N
from relais.apps.l10n.formatting import NBSP

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("ratio", "digits", "french", "english"),
    [
        (0.924, 1, f"92,4{N}%", "92.4%"),
        (0.92449, 1, f"92,4{N}%", "92.4%"),
        (0.9245, 1, f"92,5{N}%", "92.5%"),  # half up, not to even
        (1, 0, f"100{N}%", "100%"),
        (12.345, 1, f"1{N}234,5{N}%", "1,234.5%"),
        (-0.0001, 1, f"0,0{N}%", "0.0%"),  # no "-0,0 %"
        (None, 1, "—", "—"),
        ("", 1, "—", "—"),
        ("n/a", 1, "—", "—"),
    ],
)
def test_percent_of_a_ratio(ratio: object, digits: int, french: str, english: str) -> None:
    assert formatting.percent(ratio, digits, language="fr") == french
    assert formatting.percent(ratio, digits, language="en") == english


def test_percent_points_of_a_figure_already_in_percent() -> None:
    assert formatting.percent_points(92.4, language="fr-fr") == f"92,4{N}%"
    assert formatting.percent_points(92.4, 0, language="en") == "92%"


@pytest.mark.parametrize(
    ("value", "digits", "french", "english"),
    [
        (1234.56, 1, f"1{N}234,6", "1,234.6"),
        (1234567, 0, f"1{N}234{N}567", "1,234,567"),
        (0.5, 2, "0,50", "0.50"),
        (-3.25, 1, "-3,3", "-3.3"),
        (None, 1, "—", "—"),
    ],
)
def test_decimal(value: object, digits: int, french: str, english: str) -> None:
    assert formatting.decimal(value, digits, language="fr") == french
    assert formatting.decimal(value, digits, language="en") == english


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "00:00"),
        (5, "00:05"),
        (125, "02:05"),
        (125.6, "02:06"),
        (3599, "59:59"),
        (3725, "1:02:05"),
        (dt.timedelta(minutes=4, seconds=2), "04:02"),
        (-65, "-01:05"),
        (None, "—"),
    ],
)
def test_clock_is_minutes_and_seconds(seconds: object, shown: str) -> None:
    assert formatting.clock(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (45, f"45{NBSP}s"),
        (300, f"5{NBSP}min"),
        (329, f"5{NBSP}min"),
        (3600, f"1{NBSP}h"),
        (3900, f"1{NBSP}h{NBSP}05{NBSP}min"),
        (dt.timedelta(hours=7, minutes=30), f"7{NBSP}h{NBSP}30{NBSP}min"),
        (None, "—"),
    ],
)
def test_duration_in_hours_and_minutes(seconds: object, shown: str) -> None:
    assert formatting.duration(seconds, language="fr") == shown
    assert formatting.duration(seconds, language="en") == shown


def test_dates_are_day_first_in_french_and_iso_in_english() -> None:
    day = dt.date(2026, 12, 6)
    moment = dt.datetime(2026, 3, 1, 9, 5, tzinfo=PARIS)

    assert formatting.day(day, language="fr") == "06/12/2026"
    assert formatting.day(day, language="en") == "2026-12-06"
    assert formatting.day_time(moment, language="fr") == "01/03/2026 09:05"
    assert formatting.day_time(moment, language="en") == "2026-03-01 09:05"
    assert formatting.day(None, language="fr") == "—"


@pytest.mark.parametrize(
    ("text", "french"),
    [
        ("Attention : la file déborde !", f"Attention{N}: la file déborde{N}!"),
        ("Prêt?", f"Prêt{N}?"),
        ("Vraiment?!", f"Vraiment{N}?!"),
        ("Deux ; trois", f"Deux{N}; trois"),
        ("Il a dit « bonjour »", f"Il a dit «{N}bonjour{N}»"),
        ("«oui»", f"«{N}oui{N}»"),
        ("l'agent s'est connecté", "l’agent s’est connecté"),
        ("Pause à 14:05", "Pause à 14:05"),  # a time
        ("voir https://relais.example/a?b=1", "voir https://relais.example/a?b=1"),
        ('p. ex. {"orders": 1}', 'p. ex. {"orders": 1}'),  # JSON
        (f"Déjà{N}: rien", f"Déjà{N}: rien"),  # already right: unchanged
        ("Note\u00a0: rien", f"Note{N}: rien"),  # a wide no-break space narrowed
    ],
)
def test_typography_in_french(text: str, french: str) -> None:
    assert formatting.typography(text, language="fr") == french
    assert formatting.typography(french, language="fr") == french  # idempotent


def test_typography_leaves_english_alone() -> None:
    assert formatting.typography("Ready? Yes: it's done!", language="en") == (
        "Ready? Yes: it's done!"
    )


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load relais_format %}" + source).render(Context(context))


def test_filters_follow_the_active_language() -> None:
    source = "{{ sl|percent }} {{ volume|decimal:1 }} {{ adherence|percent_points:0 }}"
    values = {"sl": 0.924, "volume": 1234.56, "adherence": 87.6}

    assert render(source, "fr", **values) == f"92,4{N}% 1{N}234,6 88{N}%"
    assert render(source, "en", **values) == "92.4% 1,234.6 88%"


def test_clock_and_duration_filters() -> None:
    source = "{{ in_state|clock }} / {{ shift|duration }}"

    assert render(source, "fr", in_state=125, shift=27000) == f"02:05 / 7{NBSP}h{NBSP}30{NBSP}min"
    assert render(source, "en", in_state=None, shift=45) == f"— / 45{NBSP}s"


def test_date_filters_show_the_current_time_zone() -> None:
    moment = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)  # 00:30 the next day in Paris
    source = "{{ moment|day }} {{ moment|day_time }} {{ day|day }}"

    with timezone.override(PARIS):
        french = render(source, "fr", moment=moment, day=dt.date(2026, 1, 2))
        english = render(source, "en", moment=moment, day=dt.date(2026, 1, 2))

    assert french == "07/12/2026 07/12/2026 00:30 02/01/2026"
    assert english == "2026-12-07 2026-12-07 00:30 2026-01-02"


def test_typography_filter_escapes_what_is_not_safe_and_keeps_safe_html() -> None:
    source = "{{ plain|typography }}|{{ html|typography }}"
    html = mark_safe('<a href="/x?y=1">Suivant</a> ?')

    rendered = render(source, "fr", plain="<b>Prêt?</b>", html=html)

    assert rendered == f'&lt;b&gt;Prêt{N}?&lt;/b&gt;|<a href="/x?y=1">Suivant</a>{N}?'
    assert render(source, "en", plain="Ready?", html=html) == f"Ready?|{html}"


def test_french_formats_of_django_group_thousands_with_a_narrow_space() -> None:
    from django.utils import formats

    with translation.override("fr"):
        assert formats.number_format(1234.5, 1, force_grouping=True) == f"1{N}234,5"
        assert formats.date_format(dt.date(2026, 12, 6), "SHORT_DATE_FORMAT") == "06/12/2026"
    with translation.override("en"):
        assert formats.date_format(dt.date(2026, 12, 6), "SHORT_DATE_FORMAT") == "2026-12-06"
