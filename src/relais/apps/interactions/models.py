"""Contacts, agents' presence, and the append-only log of everything that happens to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Agent, Partner, Site
from relais.apps.routing.models import Channel, Queue


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class ContactState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")  # a callback: routed at `scheduled_for`
    CREATED = "created", _("Created")
    QUEUED = "queued", _("Queued")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    WRAP_UP = "wrap_up", _("Wrap-up")
    CLOSED = "closed", _("Closed")
    ABANDONED = "abandoned", _("Abandoned")


#: States in which a contact is still the router's business.
LIVE_STATES = (
    ContactState.CREATED,
    ContactState.QUEUED,
    ContactState.OFFERED,
    ContactState.ACCEPTED,
    ContactState.WRAP_UP,
)
#: States in which an agent holds the contact (capacity used).
HELD_STATES = (ContactState.OFFERED, ContactState.ACCEPTED, ContactState.WRAP_UP)


class CloseReason(models.TextChoices):
    HANDLED = "handled", _("Handled")
    QUEUE_CLOSED = "queue_closed", _("Queue closed")
    DROPPED = "dropped", _("Dropped (agent left)")
    CUSTOMER_LEFT = "customer_left", _("Customer left (connection gone)")


class Contact(models.Model):
    """One customer request (a call, a chat, an e-mail…) from creation to closing."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.INBOUND
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="contacts"
    )
    customer_reference = models.CharField(_("customer reference"), max_length=120, blank=True)
    customer_key = models.CharField(
        _("customer"),
        max_length=160,
        blank=True,
        help_text=_(
            "Who the customer is across channels (interactions/identity.py): the brand's signed"
            " id, else their e-mail address or phone number; blank when unknown."
        ),
    )
    priority = models.SmallIntegerField(_("priority"))
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ContactState.choices, default=ContactState.CREATED
    )
    close_reason = models.CharField(
        _("close reason"), max_length=16, choices=CloseReason.choices, blank=True
    )
    overflow_step = models.PositiveSmallIntegerField(_("overflow step"), default=0)
    declined_by = models.JSONField(
        _("declined by"), default=list, blank=True, help_text=_("Agents who rejected it.")
    )
    created_at = models.DateTimeField(_("created at"))
    scheduled_for = models.DateTimeField(
        _("scheduled for"),
        null=True,
        blank=True,
        help_text=_("A callback at the time the customer chose: routed from then on."),
    )
    queued_at = models.DateTimeField(
        _("queued at"), null=True, blank=True, help_text=_("Its place in the current queue.")
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    wrap_up_at = models.DateTimeField(_("wrap-up at"), null=True, blank=True)
    wrap_up_until = models.DateTimeField(_("wrap-up until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    abandoned_at = models.DateTimeField(_("abandoned at"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    at_head = models.BooleanField(
        _("at the head of its queue"),
        default=False,
        help_text=_("A call whose agent was lost: offered before every other contact waiting."),
    )
    timed_out_at = models.DateTimeField(_("offer timed out at"), null=True, blank=True)
    agent = models.ForeignKey(
        Agent,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "queue"], name="contact_state_queue"),
            models.Index(fields=["agent", "state"], name="contact_agent_state"),
            models.Index(fields=["customer_key", "created_at"], name="contact_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} {self.state}"


class PresenceState(models.TextChoices):
    OFFLINE = "offline", _("Offline")
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    WRAP_UP = "wrap_up", _("Wrap-up")
    BREAK = "break", _("Break")
    DISCONNECTED = "disconnected", _("Disconnected")  # out of routing: the connection was lost


#: Not in routing: logged out, or disconnected (and must log in again).
OUT_STATES = (PresenceState.OFFLINE, PresenceState.DISCONNECTED)


class BreakReason(models.TextChoices):
    LUNCH = "lunch", _("Lunch")
    PRAYER = "prayer", _("Prayer")
    TRAINING = "training", _("Training")
    COACHING = "coaching", _("Coaching")
    TECHNICAL_INCIDENT = "technical_incident", _("Technical incident")
    MISSED_OFFERS = "missed_offers", _("Missed offers")
    OTHER = "other", _("Other")


class AgentPresence(models.Model):
    """An agent's current state; its history is in the event log."""

    agent = models.OneToOneField(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="presence"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=PresenceState.choices, default=PresenceState.OFFLINE
    )
    break_reason = models.CharField(
        _("break reason"), max_length=24, choices=BreakReason.choices, blank=True
    )
    since = models.DateTimeField(_("since"))
    idle_since = models.DateTimeField(
        _("idle since"), help_text=_("Last offer or release: the longest-idle strategy's key.")
    )
    missed_offers = models.PositiveSmallIntegerField(_("missed offers in a row"), default=0)

    class Meta:
        verbose_name = _("agent presence")
        verbose_name_plural = _("agent presences")

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.state}"

    @property
    def logged_in(self) -> bool:
        return self.state not in OUT_STATES


class EventKind(models.TextChoices):
    # requests, written by the API; the router applies them to the engine
    CONTACT_CREATED = "contact.created", _("Contact created")
    CONTACT_SCHEDULED = "contact.scheduled", _("Contact scheduled")
    CONTACT_ABANDONED = "contact.abandoned", _("Contact abandoned")
    OFFER_ACCEPTED = "offer.accepted", _("Offer accepted")
    OFFER_REJECTED = "offer.rejected", _("Offer rejected")
    CONTACT_COMPLETED = "contact.completed", _("Contact completed")
    CONTACT_WRAPPED_UP = "contact.wrapped_up", _("Contact wrapped up")  # data: the reason's code
    CONTACT_TRANSFERRED = "contact.transferred", _("Contact transferred")
    AGENT_LOGGED_IN = "agent.logged_in", _("Agent logged in")
    AGENT_LOGGED_OUT = "agent.logged_out", _("Agent logged out")
    AGENT_BREAK_STARTED = "agent.break_started", _("Break started")
    AGENT_BREAK_ENDED = "agent.break_ended", _("Break ended")
    QUEUE_CONFIGURATION_CHANGED = "queue.configuration_changed", _("Queue configuration changed")
    AGENT_HOLDS_CHANGED = "agent.holds_changed", _("Agent's queue holds changed")
    AGENT_CONNECTED = "agent.connected", _("Agent's desktop connected")
    AGENT_CONNECTION_LOST = "agent.connection_lost", _("Agent's desktop connection lost")
    CONTACT_REQUEUED = "contact.requeued", _("Back at the head of its queue (agent lost)")
    # decisions, written by the router
    CONTACT_QUEUED = "contact.queued", _("Contact queued")
    CONTACT_REFUSED = "contact.refused", _("Contact refused (queue closed)")
    OVERFLOW_STEP_REACHED = "contact.overflow_step", _("Overflow step reached")
    OFFER_MADE = "offer.made", _("Offer made")
    OFFER_EXPIRED = "offer.expired", _("Offer expired")
    OFFER_WITHDRAWN = "offer.withdrawn", _("Offer withdrawn")
    WRAP_UP_ENDED = "contact.wrap_up_ended", _("Wrap-up ended")
    CONTACT_DROPPED = "contact.dropped", _("Contact dropped")
    CONTACT_MOVED = "contact.moved", _("Contact moved to another queue")
    CALLBACK_OFFERED = "contact.callback_offered", _("Callback offered")
    AGENT_STATE_CHANGED = "agent.state_changed", _("Agent state changed")
    STEP_HOURS_CHANGED = "queue.step_hours_changed", _("Overflow step opened or closed")
    # call detail, written by the voice service (apps/voice/control.py): not requests
    CALL_RINGING = "call.ringing", _("Agent's phone ringing")
    CALL_ANSWERED = "call.answered", _("Call answered")
    CALL_DECLINED = "call.declined", _("Call declined by the agent's phone")
    CALL_HOLD = "call.hold", _("Call on hold")
    CALL_RESUME = "call.resume", _("Call resumed")
    CALL_DTMF = "call.dtmf", _("Keypad tones")
    CALL_TRANSFER = "call.transfer", _("Call transferred")
    CALL_CONSULT = "call.consult", _("Colleague consulted during the call")
    CALL_MEDIA_LOST = "call.media_lost", _("Call audio lost")
    CALL_AGENT_LOST = "call.agent_lost", _("Agent's phone lost during the call")
    CALL_ENDED = "call.ended", _("Call ended")
    # the customer's survey, written by apps/satisfaction: a record, not a request
    SURVEY_ANSWERED = "survey.answered", _("Survey answered")


#: What the router must apply to its engine (everything else it wrote itself).
REQUEST_KINDS = (
    EventKind.CONTACT_CREATED,
    EventKind.CONTACT_ABANDONED,
    EventKind.OFFER_ACCEPTED,
    EventKind.OFFER_REJECTED,
    EventKind.CONTACT_COMPLETED,
    EventKind.CONTACT_TRANSFERRED,
    EventKind.AGENT_LOGGED_IN,
    EventKind.AGENT_LOGGED_OUT,
    EventKind.AGENT_BREAK_STARTED,
    EventKind.AGENT_BREAK_ENDED,
    EventKind.QUEUE_CONFIGURATION_CHANGED,  # the router rebuilds from the record
    EventKind.AGENT_HOLDS_CHANGED,  # the router reads one agent's holds from the record
    EventKind.AGENT_CONNECTED,  # the router reads the agent's connections (presence leases)
    EventKind.AGENT_CONNECTION_LOST,
    EventKind.CONTACT_REQUEUED,  # a call whose agent was lost: back at the head of its queue
)

#: Call detail (`call.*`): in the contact's log for people and reports; the router skips it.
CALL_KINDS = tuple(kind for kind in EventKind if kind.value.startswith("call."))


class ContactEvent(models.Model):
    """One line of the append-only event log: who did what to which contact or agent, when.

    It is the source of statistics and replay, and the router reads the requests in it by
    id (see docs/router.md). Nothing updates or deletes a row.
    """

    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    by_router = models.BooleanField(_("by the router"), default=False)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    agent = models.ForeignKey(
        Agent,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_events",
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")
        ordering = ["id"]
        indexes = [models.Index(fields=["by_router", "id"], name="event_request_cursor")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind}"
