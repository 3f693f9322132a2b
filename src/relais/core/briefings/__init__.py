"""Briefings in pure Python: how a blocking briefing rolls out to a queue's agents."""

from __future__ import annotations

from relais.core.briefings.rollout import Rollout, RolloutMode, rollout_waves, spread_by_site

__all__ = ["Rollout", "RolloutMode", "rollout_waves", "spread_by_site"]
