"""Site calendars: public holidays, Ramadan, Friday prayer and opening hours, in UTC.

Everything is computed per local date in the site's IANA time zone (``zoneinfo``), so
daylight-saving changes, and Morocco's suspension of its +1 during Ramadan, come from the
tz database.
"""

from relais.core.wfm.calendars.model import (
    CalendarDay,
    LocalWindow,
    OpeningHours,
    SiteCalendar,
    SiteCalendarConfig,
    UtcWindow,
)
from relais.core.wfm.calendars.public_holidays import public_holidays
from relais.core.wfm.calendars.ramadan import hijri_year_of, ramadan_period, ramadan_periods
from relais.core.wfm.calendars.site import (
    local_window_to_utc,
    open_interval_starts,
    site_calendar,
)

__all__ = [
    "CalendarDay",
    "LocalWindow",
    "OpeningHours",
    "SiteCalendar",
    "SiteCalendarConfig",
    "UtcWindow",
    "hijri_year_of",
    "local_window_to_utc",
    "open_interval_starts",
    "public_holidays",
    "ramadan_period",
    "ramadan_periods",
    "site_calendar",
]
