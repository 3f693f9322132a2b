from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.apps.accounts.models import ApiToken, User
from relais.apps.audit.admin_mixins import AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "partner", "is_active"]
    list_filter = ["role", "partner", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Contact centre"), {"fields": ("role", "partner", "language")}),
    )
    add_fieldsets = (
        *(BaseUserAdmin.add_fieldsets or ()),
        (_("Contact centre"), {"fields": ("role", "partner", "language")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    """Tokens are created from a signed-in session (the API), never here; revoke them here."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_reason",
    ]
    list_filter = ["revoked_at", "revoked_reason"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = [
        "user",
        "prefix",
        "digest",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_reason",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# The second factor's devices, as django-otp shows them, with writes audited: an administrator
# deletes a person's lost authenticator so that they enrol again (docs/security.md).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(AuditedModelAdmin, TOTPDeviceAdmin):  # type: ignore[misc]
    pass


@admin.register(StaticDevice)
class AuditedStaticDeviceAdmin(AuditedModelAdmin, StaticDeviceAdmin):  # type: ignore[misc]
    pass
