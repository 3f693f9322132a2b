from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.organisation.models import (
    Agent,
    AgentSkill,
    OpeningHours,
    Partner,
    Site,
    Skill,
    Team,
)


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["name", "kind", "country", "time_zone", "active"]
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(AuditedModelAdmin):
    list_display = ["name", "country", "contact_name", "contact_email", "active"]
    list_filter = ["country", "active"]
    search_fields = ["name", "contact_name", "contact_email"]
    inlines = [SiteInline]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Site)
class SiteAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "country", "time_zone", "partner", "active"]
    list_filter = ["kind", "country", "partner", "active"]
    search_fields = ["name", "partner__name"]
    inlines = [OpeningHoursInline]


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "site"]
    list_filter = ["site__kind", "site"]
    search_fields = ["name", "site__name"]
    filter_horizontal = ["supervisors"]


@admin.register(Skill)
class SkillAdmin(AuditedModelAdmin):
    list_display = ["code", "kind", "name_fr", "name_en"]
    list_filter = ["kind"]
    search_fields = ["code", "name_fr", "name_en"]


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Agent)
class AgentAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "site",
        "team",
        "employment",
        "capacity_voice",
        "capacity_chat",
        "capacity_email",
        "active",
    ]
    list_filter = ["site__kind", "site", "site__partner", "employment", "active", "skills"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "site", "team"]
    inlines = [AgentSkillInline]
