"""A person's live sockets end with their right to be signed in (docs/security.md, "Live
connections"). Receivers of Django's signals, connected in `AccountsConfig.ready`:

- sign-out (`user_logged_out`): the sockets of that browser's session;
- a session deleted (sign-out again, `clearsessions`, an administrator removing it): the
  sockets opened with it;
- a user saved inactive, or with another password (the admin, a service, `set_password`),
  or deleted: every socket of theirs. A queryset `update()` sends no signal: the sockets'
  own periodic check of the session ends those (`realtime.consumers.SessionBoundConsumer`).

Each closes after commit, through `realtime.sessions`; revoking any other credential calls
`sockets_close_for_user` itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import post_delete, post_save, pre_save

from relais.apps.realtime.sessions import (
    SessionEndReason,
    sockets_close_for_session,
    sockets_close_for_user,
)

#: What the user row said before the save (pre_save), on the instance.
_BEFORE = "_relais_sockets_before"
_WATCHED = {"is_active", "password"}


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        sockets_close_for_session(session_key=session_key, reason=SessionEndReason.LOGGED_OUT)
    elif user is not None:
        sockets_close_for_user(user_id=user.pk, reason=SessionEndReason.LOGGED_OUT)


def on_session_deleted(sender: Any, instance: Session, **kwargs: Any) -> None:
    try:
        signed_in = instance.get_decoded().get(SESSION_KEY)
    except Exception:  # a session that does not decode carried nobody
        signed_in = None
    if signed_in is not None:
        sockets_close_for_session(
            session_key=instance.session_key, reason=SessionEndReason.SESSION_ENDED
        )


def on_user_saving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (update_fields is not None and not _WATCHED & set(update_fields)):
        return  # a new user has no socket; a save of other fields (last_login) changes nothing
    before = sender.objects.filter(pk=instance.pk).values("is_active", "password").first()
    setattr(instance, _BEFORE, before)


def on_user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if created or before is None:
        return
    if before["is_active"] and not instance.is_active:
        sockets_close_for_user(user_id=instance.pk, reason=SessionEndReason.DEACTIVATED)
    elif before["password"] != instance.password:
        sockets_close_for_user(user_id=instance.pk, reason=SessionEndReason.PASSWORD_CHANGED)


def on_user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    sockets_close_for_user(user_id=instance.pk, reason=SessionEndReason.DEACTIVATED)


def connect_receivers() -> None:
    user_model = get_user_model()
    user_logged_out.connect(on_logged_out, dispatch_uid="relais.sockets.logged_out")
    post_delete.connect(on_session_deleted, sender=Session, dispatch_uid="relais.sockets.session")
    pre_save.connect(on_user_saving, sender=user_model, dispatch_uid="relais.sockets.user_saving")
    post_save.connect(on_user_saved, sender=user_model, dispatch_uid="relais.sockets.user_saved")
    post_delete.connect(on_user_deleted, sender=user_model, dispatch_uid="relais.sockets.user_gone")
