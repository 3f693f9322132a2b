from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from relais.apps.accounts.permissions import is_administrator
from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.router.services import queue_configuration_changed
from relais.apps.routing.models import (
    OverflowStep,
    Queue,
    QueueSkill,
    SplitShare,
    validate_split_shares,
)
from relais.apps.routing.reachability import WEEKS, gap_texts, queue_gaps

#: Gaps shown in the message after a save; the queue's page lists them all.
GAPS_IN_MESSAGE = 6


def _shown(value: Any) -> Any:
    """A form value as the audit log keeps it (a choice of rows: their names)."""
    if isinstance(value, QuerySet):
        return [str(row) for row in value]
    return value if isinstance(value, (bool, int, list, dict)) or value is None else str(value)


def _audit(request: HttpRequest, obj: Any, verb: str, changes: dict[str, Any]) -> None:
    action = f"{obj._meta.model_name}.admin_{verb}"
    audit_record(actor=request.user, action=action, obj=obj, changes=changes)  # type: ignore[arg-type]


class QueueSkillInline(admin.TabularInline):
    model = QueueSkill
    extra = 0


class OverflowStepInline(admin.StackedInline):
    model = OverflowStep
    extra = 0
    filter_horizontal = ["sites", "partners"]
    # set live from the wallboard, with a reason (router.services.overflow_step_override)
    readonly_fields = ["override", "override_by", "override_at", "override_reason"]


class SplitShareFormSet(BaseInlineFormSet):
    """The queue's shares together: none, or two or more summing to 100 %."""

    def clean(self) -> None:
        super().clean()
        shares = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            partner, site = data.get("partner"), data.get("site")
            shares.append(
                (getattr(partner, "pk", None), getattr(site, "pk", None), data.get("percent") or 0)
            )
        validate_split_shares(shares)


class SplitShareInline(admin.TabularInline):
    model = SplitShare
    formset = SplitShareFormSet
    extra = 0


@admin.register(Queue)
class QueueAdmin(AuditedModelAdmin):
    list_display = ["code", "name_fr", "channel", "language", "priority", "strategy", "active"]
    list_filter = ["channel", "strategy", "active"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [QueueSkillInline, OverflowStepInline, SplitShareInline]

    # Queues and their steps decide which company answers the client's customers: only
    # administrators configure them, whatever Django permissions a staff account was given
    # (the live steering, priorities and step overrides, is `router.access`'s rule).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and super().has_delete_permission(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Required skills and steps saved, each change audited like the queue's own."""
        deleted = [(f.instance, f.instance.pk, str(f.instance)) for f in formset.deleted_forms]
        super().save_formset(request, form, formset, change)
        queue = form.instance.code
        new = {id(obj) for obj in formset.new_objects}
        changed = {id(obj) for obj, _fields in formset.changed_objects}
        for inline in formset.forms:
            obj = inline.instance
            if id(obj) in new or id(obj) in changed:
                changes = {
                    name: _shown(inline.cleaned_data.get(name)) for name in inline.changed_data
                }
                verb = "create" if id(obj) in new else "update"
                _audit(request, obj, verb, {"queue": queue, **changes})
        for obj, pk, label in deleted:
            if pk is not None:
                _audit(request, obj, "delete", {"queue": queue, "id": pk, "deleted": label})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The queue, its skills and steps saved: the router reads them again; the hours
        when nobody can answer it are shown as a warning."""
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            queue_configuration_changed(actor=request.user, queue=form.instance)  # type: ignore[arg-type]
        self._warn_gaps(request, form.instance)

    def _warn_gaps(self, request: HttpRequest, queue: Queue) -> None:
        try:
            gaps = queue_gaps(viewer=request.user, queue=queue)
        except RelaisError as error:
            messages.warning(request, error.message)
            return
        texts = gap_texts(gaps, queue.label)
        for text in texts[:GAPS_IN_MESSAGE]:
            messages.warning(request, text)
        if len(texts) > GAPS_IN_MESSAGE:
            messages.warning(
                request,
                _("…and %(count)s more periods when nobody can answer: see the queue's page.")
                % {"count": len(texts) - GAPS_IN_MESSAGE},
            )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        """The queue's page lists the hours when nobody can answer it (admin/routing/queue/
        change_form.html)."""
        queue = self.get_object(request, object_id)
        context = {**(extra_context or {})}
        if queue is not None and request.method == "GET":
            context["reachability"] = self._reachability(request, queue)
        return super().change_view(request, object_id, form_url, context)

    @staticmethod
    def _reachability(request: HttpRequest, queue: Queue) -> dict[str, Any]:
        if not queue.active:
            return {"summary": _("The queue is not active: nothing to check."), "gaps": []}
        try:
            gaps = queue_gaps(viewer=request.user, queue=queue)
        except RelaisError as error:
            return {"summary": error.message, "gaps": []}
        if not gaps:
            summary = _(
                "Somebody can be reached whenever the queue is open, this week and the next "
                "%(weeks)s (steps' hours, sites' hours, agents' skills)."
            ) % {"weeks": WEEKS - 1}
        else:
            summary = _(
                "This week and the next %(weeks)s, with the steps' and the sites' hours:"
            ) % {"weeks": WEEKS - 1}
        return {"summary": summary, "gaps": gap_texts(gaps, queue.label)}
