"""Workforce management: forecasts, calendars, staffing and schedules (pure Python).

Subpackages are imported explicitly (``relais.core.wfm.forecast``,
``relais.core.wfm.calendars``, ``relais.core.wfm.scheduling``) so that importing one does
not pay for the others' heavy dependencies (statsforecast, OR-Tools).
"""
