"""The day chart's window: today's opening hours in the viewer's time zone (or the last N
hours), never from the night before."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import override_settings

from relais.apps.supervision.live.selectors import viewer_window
from relais.apps.supervision.live.window import SiteHours, chart_window, opening_span
from tests.apps.conftest import World

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = dt.date(2025, 3, 10)  # Paris is UTC+1, Casablanca UTC+1 (Ramadan: UTC+0 in 2025)


def paris(hour: int, minute: int = 0, day: dt.date = MONDAY) -> float:
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS).timestamp()


def hours(zone: str, opens: int, closes: int, weekday: int = 0) -> SiteHours:
    return SiteHours(zone, ((weekday, dt.time(opens), dt.time(closes)),))


def test_the_window_is_today_s_opening_hours_not_the_night_before() -> None:
    window = chart_window(paris(10, 30), "Europe/Paris", [hours("Europe/Paris", 8, 20)])

    assert (window.start, window.end) == (paris(8), paris(20))
    assert window.mode == "opening"
    assert window.start > paris(0)  # not 23:00 the day before, not even midnight


def test_several_sites_span_from_the_earliest_opening_to_the_latest_closing() -> None:
    sites = [hours("Europe/Paris", 8, 20), hours("Europe/Bucharest", 7, 22)]  # Bucharest: +1 h

    window = chart_window(paris(10), "Europe/Paris", sites)

    assert (window.start, window.end) == (paris(6), paris(21))


def test_a_site_closed_today_does_not_count_and_no_hours_means_midnight_to_now() -> None:
    sunday_only = hours("Europe/Paris", 9, 12, weekday=6)
    assert opening_span(paris(10), [sunday_only]) is None

    window = chart_window(paris(10, 7), "Europe/Paris", [sunday_only])

    assert (window.start, window.end) == (paris(0), paris(10, 15))  # now, to the quarter


def test_an_opening_before_the_viewer_s_midnight_is_cut_at_midnight() -> None:
    # a site in Martinique (UTC-4) open 18:00-23:00 its time: 23:00-04:00 in Paris; a viewer
    # in Paris on Tuesday 02:00 sees Monday's Martinique evening from Paris midnight
    tuesday = dt.date(2025, 3, 11)
    window = chart_window(
        paris(2, 0, tuesday), "Europe/Paris", [hours("America/Martinique", 18, 23, weekday=0)]
    )

    assert window.start == paris(0, 0, tuesday)
    assert window.end == paris(4, 0, tuesday)


def test_the_last_hours_end_now_and_start_on_a_quarter() -> None:
    window = chart_window(paris(15, 7), "Europe/Paris", [hours("Europe/Paris", 8, 20)], 4)

    assert (window.start, window.end) == (paris(11), paris(15, 15))
    assert (window.mode, window.hours) == ("last", 4)


def test_an_unknown_number_of_hours_is_refused() -> None:
    with pytest.raises(ValueError, match="last_hours"):
        chart_window(paris(15), "Europe/Paris", [], 5)


@override_settings(TIME_ZONE="Europe/Paris")
def test_the_viewer_s_window_is_in_their_site_s_time_zone(world: World) -> None:
    now = paris(10)  # Monday: every site of the world opens 08:00-20:00 its own time

    rabat = viewer_window(viewer=world.users["supervisor_atlas"], now=now)
    lille = viewer_window(viewer=world.users["supervisor"], now=now)
    director = viewer_window(viewer=world.users["director"], now=now)

    assert rabat.time_zone == "Africa/Casablanca"
    casablanca = zoneinfo.ZoneInfo("Africa/Casablanca")
    assert rabat.start == dt.datetime.combine(MONDAY, dt.time(8), casablanca).timestamp()
    assert (lille.time_zone, lille.start, lille.end) == ("Europe/Paris", paris(8), paris(20))
    # the organisation's time zone for whoever watches several; from the earliest opening
    # (Bucharest's 08:00 is Paris's 07:00) to the latest closing (Rabat's 20:00)
    assert director.time_zone == "Europe/Paris"
    assert director.start == paris(7)
    assert director.end == dt.datetime.combine(MONDAY, dt.time(20), casablanca).timestamp()
