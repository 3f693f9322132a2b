"""Output schemas of the queues API."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class QueueSkillRead(Schema):
    code: str
    min_level: int


class OverflowStepRead(Schema):
    order: int
    after_seconds: int
    internal: bool
    site_ids: list[int]
    partner_ids: list[int]
    site_kinds: list[str]
    relaxed_levels: dict[str, int] | None
    hours_time_zone: str
    hours: str
    within_site_hours: bool
    skip_if_empty: bool


class QueueRead(Schema):
    id: int
    code: str
    name_fr: str
    name_en: str
    label: str
    channel: str
    language: str
    priority: int
    service_level_percent: int
    service_level_seconds: int
    time_zone: str
    opening_hours: str
    strategy: str
    offer_timeout_seconds: int
    wrap_up_seconds: int
    chats_during_calls: bool
    exhausted_action: str
    exhausted_after_seconds: int
    active: bool
    skills: list[QueueSkillRead]
    overflow_steps: list[OverflowStepRead]

    @staticmethod
    def resolve_skills(obj: Any) -> list[dict[str, Any]]:
        return [{"code": s.skill.code, "min_level": s.min_level} for s in obj.skill_levels.all()]

    @staticmethod
    def resolve_overflow_steps(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "order": step.order,
                "after_seconds": step.after_seconds,
                "internal": step.internal,
                "site_ids": sorted(site.pk for site in step.sites.all()),
                "partner_ids": sorted(partner.pk for partner in step.partners.all()),
                "site_kinds": list(step.site_kinds or []),
                "relaxed_levels": step.relaxed_levels,
                "hours_time_zone": step.hours_time_zone,
                "hours": step.hours,
                "within_site_hours": step.within_site_hours,
                "skip_if_empty": step.skip_if_empty,
            }
            for step in sorted(obj.overflow_steps.all(), key=lambda step: step.order)
        ]


class QueueStatusRead(Schema):
    queue_id: int
    code: str
    waiting: int
    longest_wait_seconds: float
    agents_by_state: dict[str, int]
    agents_counted: str  # "all" or "in your scope"
