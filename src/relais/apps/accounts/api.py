from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from relais.apps.accounts import selectors, services
from relais.apps.accounts.auth import request_token, request_user
from relais.apps.accounts.schemas import MeRead, TokenCreate, TokenCreated, TokenRead

router = Router(tags=["accounts"])


@router.get("/me", response=MeRead)
def read_me(request: HttpRequest) -> Any:
    return request.user


@router.get("/tokens", response=list[TokenRead])
def list_tokens(request: HttpRequest) -> Any:
    return selectors.api_token_list(viewer=request.user)


@router.post("/tokens", response={201: TokenCreated})
def create_token(request: HttpRequest, payload: TokenCreate) -> Any:
    """Only from a signed-in browser session: a request made with a token is refused."""
    token, raw = services.api_token_create(
        actor=request_user(request),
        name=payload.name,
        scopes=payload.scopes,
        expires_in_days=payload.expires_in_days,
        by_token=request_token(request) is not None,
    )
    return Status(201, {**TokenRead.from_orm(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response=TokenRead)
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    token = selectors.api_token_get(viewer=request.user, token_id=token_id)
    return services.api_token_revoke(actor=request_user(request), token=token)
