"""Site calendars: holidays, Ramadan, prayer windows and opening hours across DST."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from relais.core.wfm.calendars import (
    LocalWindow,
    OpeningHours,
    SiteCalendarConfig,
    open_interval_starts,
    public_holidays,
    ramadan_period,
    ramadan_periods,
    site_calendar,
)

WEEKDAYS_8_TO_18 = OpeningHours.same_every_day(time(8), time(18))


def _paris(**overrides: Any) -> SiteCalendarConfig:
    config = SiteCalendarConfig(
        country="FR",
        time_zone="Europe/Paris",
        opening_hours=OpeningHours.same_every_day(time(8), time(18), range(7)),
        language="fr",
    )
    return replace(config, **overrides)


def _rabat(**overrides: Any) -> SiteCalendarConfig:
    config = SiteCalendarConfig(
        country="MA",
        time_zone="Africa/Casablanca",
        opening_hours=OpeningHours.same_every_day(time(9), time(18), range(6)),
        language="fr",
        observes_ramadan=True,
        friday_prayer=LocalWindow(time(12, 30), time(14)),
    )
    return replace(config, **overrides)


def test_french_holidays_in_french_and_english() -> None:
    french = public_holidays("FR", range(2025, 2026), language="fr")
    english = public_holidays("FR", range(2025, 2026), language="en")

    assert french[date(2025, 7, 14)] == "Fête nationale"
    assert french[date(2025, 5, 1)] == "Fête du Travail"
    assert english[date(2025, 7, 14)] == "National Day"
    assert date(2025, 7, 15) not in french


def test_romanian_orthodox_easter_is_not_western_easter() -> None:
    # Orthodox Easter: 16 April 2023 (Western: 9 April); 5 May 2024 (Western: 31 March).
    romania = public_holidays("RO", range(2023, 2025), language="en")

    assert date(2023, 4, 16) in romania
    assert date(2023, 4, 17) in romania
    assert date(2024, 5, 5) in romania
    assert date(2023, 4, 9) not in romania
    assert date(2024, 3, 31) not in romania


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no public-holiday calendar"):
        public_holidays("XX", range(2025, 2026))


def test_holiday_closes_the_site_and_keeps_its_label() -> None:
    calendar = site_calendar(_paris(), date(2025, 7, 13), date(2025, 7, 15))

    national_day = calendar.day(date(2025, 7, 14))
    assert national_day.holiday == "Fête nationale"
    assert not national_day.is_open
    assert calendar.day(date(2025, 7, 15)).is_open
    assert calendar.closed_dates == frozenset({date(2025, 7, 14)})


def test_site_may_work_on_holidays_and_override_them() -> None:
    config = _paris(
        closed_on_public_holidays=False,
        ignored_holidays=frozenset({date(2025, 5, 1)}),
        extra_holidays={date(2025, 5, 2): "Pont"},
    )

    calendar = site_calendar(config, date(2025, 5, 1), date(2025, 5, 2))

    assert calendar.holidays == {date(2025, 5, 2): "Pont"}
    assert calendar.day(date(2025, 5, 2)).is_open


def test_paris_opening_hours_follow_the_dst_change_of_30_march_2025() -> None:
    calendar = site_calendar(_paris(), date(2025, 3, 29), date(2025, 3, 31))

    saturday, sunday, monday = calendar.days
    assert saturday.utc_offset == timedelta(hours=1)
    assert saturday.open_windows[0].start == datetime(2025, 3, 29, 7, tzinfo=UTC)
    assert sunday.utc_offset == timedelta(hours=2)
    assert sunday.open_windows[0].start == datetime(2025, 3, 30, 6, tzinfo=UTC)
    assert monday.open_windows[0].end == datetime(2025, 3, 31, 16, tzinfo=UTC)


def test_night_window_over_the_dst_change_is_one_hour_shorter() -> None:
    config = _paris(opening_hours=OpeningHours.same_every_day(time(22), time(6), range(7)))

    calendar = site_calendar(config, date(2025, 3, 29), date(2025, 3, 29))

    (night,) = calendar.day(date(2025, 3, 29)).open_windows
    assert night.duration == timedelta(hours=7)
    assert len(open_interval_starts(calendar, timedelta(minutes=30))) == 14


def test_computed_ramadan_1446_and_moroccan_override() -> None:
    # Umm al-Qura: 1 Ramadan 1446 = 1 March 2025, 1 Shawwal (Eid) = 30 March 2025.
    assert ramadan_period(1446) == (date(2025, 3, 1), date(2025, 3, 29))
    override = {1446: (date(2025, 3, 2), date(2025, 3, 30))}
    assert ramadan_period(1446, override) == (date(2025, 3, 2), date(2025, 3, 30))
    assert ramadan_periods(date(2025, 1, 1), date(2025, 12, 31)) == [
        (date(2025, 3, 1), date(2025, 3, 29))
    ]


def test_rabat_in_ramadan_2025_with_its_own_hours_and_utc_offset() -> None:
    ramadan_hours = OpeningHours.same_every_day(time(9), time(15), range(6))
    config = _rabat(
        ramadan_overrides={1446: (date(2025, 3, 2), date(2025, 3, 30))},
        ramadan_opening_hours=ramadan_hours,
    )

    calendar = site_calendar(config, date(2025, 2, 20), date(2025, 4, 10))

    assert calendar.ramadan_dates[0] == date(2025, 3, 2)
    assert calendar.ramadan_dates[-1] == date(2025, 3, 30)
    assert not calendar.day(date(2025, 3, 1)).in_ramadan
    # Morocco suspends its +1 around Ramadan; Paris does not (and moves to +2 on 30 March).
    assert calendar.day(date(2025, 2, 20)).utc_offset == timedelta(hours=1)
    assert calendar.day(date(2025, 3, 10)).utc_offset == timedelta(0)
    assert calendar.day(date(2025, 4, 10)).utc_offset == timedelta(hours=1)
    paris = site_calendar(_paris(), date(2025, 3, 10), date(2025, 3, 10))
    assert paris.days[0].utc_offset - calendar.day(date(2025, 3, 10)).utc_offset == timedelta(
        hours=1
    )
    ramadan_monday = calendar.day(date(2025, 3, 10)).open_windows
    assert ramadan_monday[0].start == datetime(2025, 3, 10, 9, tzinfo=UTC)
    assert ramadan_monday[-1].end == datetime(2025, 3, 10, 15, tzinfo=UTC)
    assert calendar.day(date(2025, 4, 7)).open_windows[-1].end == datetime(
        2025, 4, 7, 17, tzinfo=UTC
    )
    assert calendar.day(date(2025, 3, 31)).holiday is not None  # Eid al-Fitr


def test_friday_prayer_window_in_utc_and_closing_for_it() -> None:
    config = _rabat(closed_during_friday_prayer=True)

    calendar = site_calendar(config, date(2025, 1, 17), date(2025, 1, 18))

    friday, saturday = calendar.days
    assert friday.prayer_window is not None
    assert friday.prayer_window.start == datetime(2025, 1, 17, 11, 30, tzinfo=UTC)
    assert [(w.start.hour, w.end.hour) for w in friday.open_windows] == [(8, 11), (13, 17)]
    assert friday.open_windows[0].end.minute == 30
    assert saturday.prayer_window is None


def test_open_interval_starts_are_aligned_on_local_time() -> None:
    config = SiteCalendarConfig(
        country="FR", time_zone="Europe/Paris", opening_hours=WEEKDAYS_8_TO_18
    )

    calendar = site_calendar(config, date(2025, 3, 28), date(2025, 3, 31))
    starts = open_interval_starts(calendar, timedelta(minutes=15))

    assert len(starts) == 2 * 40  # Friday and Monday, 10 hours each
    assert starts[0] == datetime(2025, 3, 28, 7, tzinfo=UTC)
    assert starts[40] == datetime(2025, 3, 31, 6, tzinfo=UTC)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        site_calendar(_paris(time_zone="Mars/Olympus"), date(2025, 1, 1), date(2025, 1, 2))
    with pytest.raises(ValueError, match="before"):
        site_calendar(_paris(), date(2025, 1, 2), date(2025, 1, 1))
    with pytest.raises(ValueError, match="weekday"):
        OpeningHours({7: (LocalWindow(time(8), time(9)),)})
