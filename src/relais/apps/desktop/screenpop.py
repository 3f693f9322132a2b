"""The customer panel's screen-pop link and verified identity (docs/integrations.md).

The link fills the queue's URL template with what the agent may see: a placeholder whose
field the agent's masking hides (`{phone}`, `{email}`, an `{order}` the policy's patterns
hide) gives no link at all, so nothing masked travels in a URL (browser history, the CRM's
logs)."""

from __future__ import annotations

from pydantic import BaseModel

from relais.apps.interactions.models import Contact
from relais.apps.routing.screenpop import screen_pop_fields, screen_pop_url
from relais.core.privacy import Masking, mask_text

#: `Contact.customer_key` of a customer the brand's site vouched for (interactions.identity).
BRAND_ID_PREFIX = "id:"


class ScreenPop(BaseModel):
    """The link (blank: none), and whether one was withheld because of the masking."""

    url: str = ""
    withheld: bool = False


def brand_customer_id(contact: Contact) -> str:
    """The brand's id of the customer when its site vouched for them; blank otherwise."""
    key = contact.customer_key
    return key[len(BRAND_ID_PREFIX) :] if key.startswith(BRAND_ID_PREFIX) else ""


def screen_pop(
    *, template: str, contact: Contact, email: str, phone: str, masking: Masking
) -> ScreenPop:
    """The queue's screen-pop link for this contact as this agent may see it."""
    if not template:
        return ScreenPop()
    order = str(contact.attributes.get("order") or "")
    hidden = {
        "email": masking.email and bool(email),
        "phone": masking.phone and bool(phone),
        "order": mask_text(order, masking) != order,
    }
    used = screen_pop_fields(template)
    if any(hidden.get(name) for name in used):
        return ScreenPop(withheld=True)
    values = {
        "customer_id": brand_customer_id(contact),
        "order": order,
        "phone": phone,
        "email": email,
    }
    if not any(values.get(name) for name in used) and used:
        return ScreenPop()  # nothing known to look the customer up by
    url = screen_pop_url(template, values)
    if not url.startswith(("https://", "http://")):  # validated on save; never a script link
        return ScreenPop()
    return ScreenPop(url=url)
