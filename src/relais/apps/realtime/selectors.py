"""Reads of the realtime package: who is connected, and since when they are not; whether
a signed-in socket's session still holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from relais.apps.realtime.models import Connection, LeaseKind
from relais.apps.realtime.sessions import SessionEndReason

#: A connection not seen for this many heartbeats belongs to a process that died.
STALE_HEARTBEATS = 3
#: How far back a closed connection still tells since when its subject is away.
LOOK_BACK = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Standing:
    """A subject's connections now: `connected` while one is alive; otherwise when the last
    was lost, and what its page said then (hidden, goodbye)."""

    connected: bool
    lost_at: dt.datetime | None = None
    hidden: bool = False
    goodbye: bool = False


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=STALE_HEARTBEATS * settings.LEASE_HEARTBEAT_S)


def lease_standings(
    *, kind: LeaseKind, subject_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> dict[int, Standing]:
    """The standing of every subject of `kind` with a connection open or recently closed
    (of `subject_ids` only, when given). A subject with none is not in the result."""
    now = now or timezone.now()
    stale = stale_after()
    found = Connection.objects.filter(
        Q(closed_at=None) | Q(closed_at__gte=now - LOOK_BACK), kind=kind
    )
    if subject_ids is not None:
        found = found.filter(subject_id__in=list(subject_ids))
    standings: dict[int, Standing] = {}
    for subject, seen, closed, hidden, goodbye in found.values_list(
        "subject_id", "seen_at", "closed_at", "hidden", "goodbye"
    ):
        known = standings.get(subject)
        if known is not None and known.connected:
            continue
        if closed is None and seen >= now - stale:
            standings[subject] = Standing(connected=True)
            continue
        lost_at = closed if closed is not None else seen + stale
        if known is None or (known.lost_at is not None and lost_at > known.lost_at):
            standings[subject] = Standing(False, lost_at, hidden, goodbye)
    return standings


def session_end_reason(*, user_id: int, session_key: str | None) -> SessionEndReason | None:
    """Why a signed-in socket may no longer live, or None while it may: the user still
    exists and is active, and (when the socket has a session) the session still exists,
    has not expired, names this user, and was signed with their current password (the
    session's auth hash, as Django's own middleware checks it on every request)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active:
        return SessionEndReason.DEACTIVATED
    if session_key is None:
        return None
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    if str(data.get(SESSION_KEY, "")) != str(user_id):
        return SessionEndReason.SESSION_ENDED
    signed = str(data.get(HASH_SESSION_KEY, ""))
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not any(constant_time_compare(signed, current) for current in hashes):
        return SessionEndReason.PASSWORD_CHANGED
    return None
