"""A site's allowed networks: its agents sign in, and use their session, only from there.

A site with an empty list (home agents, typically) allows anywhere. The address is the
request's REMOTE_ADDR; behind a reverse proxy, the proxy must set it (uvicorn
`--forwarded-allow-ips`), see docs/security.md."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from relais.apps.accounts.errors import ErrorCode
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Agent, parse_networks


def sign_in_site(user: Any, address: str) -> str | None:
    """The name of the site whose networks refuse `user` at `address`, or None when allowed."""
    if not getattr(user, "is_authenticated", False):
        return None
    row = (
        Agent.objects.filter(user_id=user.pk)
        .values_list("site__name", "site__allowed_networks")
        .first()
    )
    if row is None or not row[1].strip():
        return None
    site_name, networks = row
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return site_name  # no usable address: refused, as the list asks
    if any(client in network for network in parse_networks(networks)):
        return None
    return site_name


def network_refusal_record(*, user: Any, address: str, site_name: str) -> None:
    """The audit entry of a refused sign-in or session (by Relais, about the person)."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="sign_in.network_refused",
            obj=user,
            changes={"address": address, "site": site_name},
        )


class SiteNetworkMiddleware:
    """After authentication: a session (or a sign-in made by this very request) of an agent
    whose site lists its networks ends when it comes from elsewhere; refused, audited."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR", "")
        signed_in = request.user.is_authenticated
        if signed_in and (site_name := sign_in_site(request.user, address)):
            return self._refuse(request, address, site_name)
        response = self.get_response(request)
        if not signed_in and (site_name := sign_in_site(request.user, address)):
            return self._refuse(request, address, site_name)
        return response

    @staticmethod
    def _refuse(request: HttpRequest, address: str, site_name: str) -> HttpResponse:
        network_refusal_record(user=request.user, address=address, site_name=site_name)
        logout(request)
        error = RelaisError(ErrorCode.NETWORK_REFUSED)
        if request.path_info.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=error.status)
        context = {"message": error.message, "address": address, "site_name": site_name}
        return render(request, "accounts/network_refused.html", context, status=error.status)


class SiteNetworkSocketGuard:
    """The same rule for WebSockets (inside AuthMiddlewareStack): an agent whose site's networks
    do not include the socket's address is anonymous to the consumer; refused, audited."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if getattr(user, "is_authenticated", False):
            address = (scope.get("client") or ("", 0))[0]
            site_name = await database_sync_to_async(sign_in_site)(user, address)
            if site_name:
                await database_sync_to_async(network_refusal_record)(
                    user=user, address=address, site_name=site_name
                )
                scope = {**scope, "user": AnonymousUser()}
        return await self.inner(scope, receive, send)
