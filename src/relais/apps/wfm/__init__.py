"""Workforce management: forecasts, staffing plans, schedules and adherence, per site."""
