"""What interactions push to consumers: a contact changed hands (docs/events-protocol.md).

Sent after commit to `contact-<id>` (`selectors.contact_group`) by the services that take a
contact from its agent or give it to another after a transfer. Whoever follows the contact
on behalf of its holder (a supervisor coaching the chat) checks at once whether it is still
in their scope; the frame carries no name, and a consumer reads the record, not the frame.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class ContactHolderChanged(BaseModel):
    type: Literal["contact.holder_changed"] = "contact.holder_changed"
    contact_id: int
    agent_id: int | None
    state: str
