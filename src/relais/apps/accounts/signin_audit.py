"""Sign-ins, successful and failed, in the audit log (docs/security.md, "Audit log"):
receivers of Django's signals, connected in `AccountsConfig.ready`, so the login form, the
admin's and single sign-on are all covered. A failure records the username typed and the
address, never the password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from relais.apps.audit.services import audit_access

USERNAME_CHARS = 150


def _address(request: Any) -> str:
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", "")) if request else ""


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_access(
        actor=user, action="sign_in.success", obj=user, changes={"address": _address(request)}
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:USERNAME_CHARS]
    person = get_user_model().objects.filter(username=username).first()
    audit_access(
        actor=None,
        action="sign_in.failed",
        obj=person if person is not None else get_user_model()(),
        changes={"username": username, "address": _address(request)},
    )


def connect_receivers() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="relais.audit.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="relais.audit.login_failed")
