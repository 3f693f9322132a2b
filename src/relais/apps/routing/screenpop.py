"""The screen-pop link of a queue: a URL template that opens the client's CRM record of the
customer from the agent's desktop (docs/integrations.md, "Screen-pop").

`https://crm.example/customers/{customer_id}?order={order}` — placeholders `{customer_id}`,
`{order}`, `{phone}`, `{email}`, each replaced URL-encoded. Only http and https addresses."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = ("customer_id", "order", "phone", "email")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def screen_pop_fields(template: str) -> set[str]:
    """The placeholders a template uses."""
    return set(_PLACEHOLDER.findall(template))


def validate_screen_pop(template: str) -> None:
    """Only an http(s) address with a host, and only the known placeholders."""
    if not template:
        return
    unknown = sorted(screen_pop_fields(template) - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s; use %(known)s."),
            params={
                "names": ", ".join(f"{{{n}}}" for n in unknown),
                "known": ", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
            },
        )
    parts = urlsplit(template)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError(_("A screen-pop link is an http:// or https:// address."))
    if "{" in parts.netloc:
        raise ValidationError(_("A placeholder cannot stand in the address's host."))


def screen_pop_url(template: str, values: dict[str, str]) -> str:
    """The template with each placeholder replaced by its value, URL-encoded (blank when a
    value is missing)."""
    return _PLACEHOLDER.sub(lambda m: quote(values.get(m.group(1), ""), safe=""), template)
