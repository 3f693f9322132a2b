"""The desktop's e-mail endpoints, for the agent holding the contact only: the conversation
(JSON), a reply (a form with files), an attachment (downloaded, never shown inline)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET, require_POST

from relais.apps.email import replies, selectors
from relais.apps.email.storage import attachment_path
from relais.apps.errors import RelaisError


def _refused(refused: RelaisError) -> JsonResponse:
    return JsonResponse(refused.as_dict(), status=refused.status)


@login_required
@require_GET
def thread(request: HttpRequest, contact_id: int) -> JsonResponse:
    try:
        view = selectors.thread_view(viewer=request.user, contact_id=contact_id)
    except RelaisError as refused:
        return _refused(refused)
    return JsonResponse(view.model_dump(mode="json"))


@login_required
@require_POST
def reply(request: HttpRequest, contact_id: int) -> JsonResponse:
    try:
        message = replies.mail_reply(
            actor=request.user,  # type: ignore[arg-type]
            contact_id=contact_id,
            html=request.POST.get("html", ""),
            files=request.FILES.getlist("files"),
        )
    except RelaisError as refused:
        return _refused(refused)
    return JsonResponse({"id": message.pk, "state": message.state}, status=201)


@login_required
@require_GET
def attachment(request: HttpRequest, contact_id: int, attachment_id: int) -> HttpResponseBase:
    try:
        found = selectors.attachment_for(
            viewer=request.user, contact_id=contact_id, attachment_id=attachment_id
        )
    except RelaisError as refused:
        return _refused(refused)
    response = FileResponse(
        attachment_path(found.stored_as).open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
