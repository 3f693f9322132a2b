"""The agent desktop page, and a minimal inbox where supervisors answer help requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relais.apps.audit.services import audit_access
from relais.apps.desktop import selectors, services, today
from relais.apps.desktop.models import HelpThread
from relais.apps.desktop.softphone import softphone_policy, softphone_strings
from relais.apps.email.strings import email_strings
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import BreakReason, Contact
from relais.apps.organisation.scoping import scope_for


@login_required
def desktop(request: HttpRequest) -> HttpResponse:
    try:
        agent = selectors.desk_agent(viewer=request.user)
    except RelaisError as refused:
        return render(request, "desktop/not_an_agent.html", {"error": refused}, status=403)
    response = render(
        request,
        "desktop/desktop.html",
        {
            "agent": agent,
            "break_reasons": [
                (value, label)
                for value, label in BreakReason.choices
                if value != BreakReason.MISSED_OFFERS
            ],
            "wrap_up_reasons": selectors.wrap_up_reasons(),
            "strings": _strings(),
            "softphone_strings": softphone_strings(),
            "email_strings": email_strings(),
            "softphone_on": bool(settings.SIP_WS_URL),
        },
    )
    policy = softphone_policy()
    if policy is not None:  # as Django's @csp_override, with the URL of this moment
        response._csp_config = policy  # type: ignore[attr-defined]
    return response


def _refused(refused: RelaisError) -> JsonResponse:
    return JsonResponse(refused.as_dict(), status=refused.status)


@login_required
@require_GET
def summary(request: HttpRequest) -> JsonResponse:
    """The state bar's figures: handled today, average handling time, the queues served with
    their waiting counts (the page reads it every 30 s)."""
    try:
        return JsonResponse(today.day_figures(viewer=request.user).model_dump(mode="json"))
    except RelaisError as refused:
        return _refused(refused)


@login_required
@require_GET
def transcript(request: HttpRequest, contact_id: int, previous_id: int) -> JsonResponse:
    """A previous contact of the customer of a contact the agent holds, masked for them."""
    try:
        found = selectors.previous_transcript(
            viewer=request.user, contact_id=contact_id, previous_id=previous_id
        )
    except RelaisError as refused:
        return _refused(refused)
    audit_access(
        actor=request.user,  # type: ignore[arg-type]
        action="contact.view_previous",
        obj=Contact(pk=previous_id),
        changes={"from_contact": contact_id},
    )
    return JsonResponse(found.model_dump(mode="json"))


@login_required
@require_POST
def broadcast_read(request: HttpRequest, broadcast_id: int) -> HttpResponse:
    try:
        services.broadcast_read(actor=request.user, broadcast_id=broadcast_id)  # type: ignore[arg-type]
    except RelaisError as refused:
        return _refused(refused)
    return HttpResponse(status=204)


def _strings() -> dict[str, object]:
    """What desktop.js writes on the page, in the agent's language."""
    return {
        "connecting": _("Connecting…"),
        "online": _("Connected"),
        "reconnecting": _("Connection lost: reconnecting…"),
        "session_over": _("Session ended"),
        "session_ended": _("Your session ended. Sign in again."),
        "sign_in_again": _("Sign in again"),
        "offer": _("New chat from the queue %(queue)s"),
        "seconds_left": _("%(seconds)s s left"),
        "accept": _("Accept"),
        "reject": _("Reject"),
        "reason_needed": _("Choose a wrap-up reason."),
        "name": _("Name"),
        "email": _("E-mail"),
        "phone": _("Phone"),
        "address": _("Address"),
        "language": _("Language"),
        "topic": _("Topic"),
        "masked": _("Some details are masked by your site's policy."),
        "customer_id": _("Customer id"),
        "verified": _("Verified by the brand's site"),
        "not_verified": _("Not verified: the brand's signed identity was refused (%(code)s)."),
        "screen_pop": _("Open the customer record"),
        "screen_pop_withheld": _("The customer record link uses details masked for you."),
        "none": _("None"),
        "broadcast": _("From supervision (%(sender)s): %(message)s"),
        "mark_read": _("Mark as read"),
        "sound_on": _("Sound on"),
        "sound_off": _("Sound off"),
        "notifications_on": _("Notifications on"),
        "notifications_blocked": _("Notifications blocked by the browser"),
        "new_offer_title": _("New offer"),
        "offer_from": _("%(name)s · %(topic)s"),
        "unread": _("unread"),
        "open_transcript": _("Transcript of %(date)s"),
        "transcript_meta": _("%(date)s · %(channel)s · %(queue)s · %(outcome)s"),
        "no_canned": _("No canned reply matches."),
        "insert": _("Insert"),
        "waiting": _("%(queue)s: %(count)s waiting"),
        "minutes_seconds": _("%(minutes)s min %(seconds)s s"),
        "transfer_needed": _("Choose where to transfer the contact."),
        "activities": {
            "shift": _("Shift"),
            "break": _("Short break"),
            "lunch": _("Lunch break"),
            "training": _("Training"),
            "meeting": _("Meeting"),
        },
        "supervisor_says": _("%(name)s (supervisor): %(body)s"),
        "states": {
            "offline": _("Offline"),
            "available": _("Available"),
            "busy": _("Busy"),
            "wrap_up": _("Wrap-up"),
            "break": _("Break"),
            "disconnected": _("Disconnected: your connection was lost, choose Available to go on"),
        },
        "events": {
            "agent_joined": _("%(name)s joined the chat"),
            "transferred": _("The chat was transferred"),
            "customer_left": _("The customer left the chat"),
            "callback_requested": _("%(name)s asks to be called back on %(phone)s at %(time)s"),
            "chat_ended": _("The chat has ended"),
            "supervisor_joined": _("%(name)s (supervisor) joined the chat"),
        },
    }


@login_required
def help_inbox(request: HttpRequest) -> HttpResponse:
    """Open help threads of the agents the viewer may see (supervisors, administrators)."""
    scope = scope_for(request.user)
    threads = HelpThread.objects.filter(closed_at__isnull=True).select_related("agent__user")
    if not scope.everything:
        threads = (
            threads.filter(agent__team_id__in=scope.team_ids) if scope.team_ids else threads.none()
        )
    return render(
        request,
        "desktop/help_inbox.html",
        {"threads": threads.prefetch_related("messages__author")[:50]},
    )


@login_required
@require_POST
def help_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    try:
        services.help_reply(
            actor=request.user,  # type: ignore[arg-type]
            thread_id=thread_id,
            body=request.POST.get("body", "")[:2000],
        )
    except RelaisError as refused:
        messages.error(request, refused.message)
    return redirect("desktop:help_inbox")
