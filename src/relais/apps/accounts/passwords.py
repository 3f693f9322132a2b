"""A password rule beside Django's: the person's name is not in their password."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Parts of a name shorter than this (initials, "Li") are too common to refuse.
_SHORTEST_PART = 3


def _folded(text: str) -> str:
    """Lower case, accents removed: "Élodie" and "elodie" are the same name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class NameNotInPasswordValidator:
    """Refuses a password that contains the person's username, first or last name or the part
    of their e-mail address before the @ (or any of their words of three letters or more),
    whatever the case and accents. Django's similarity check misses a long password built
    around the name ("jdupont-2024-summer")."""

    def __init__(
        self, user_attributes: tuple[str, ...] = ("username", "first_name", "last_name", "email")
    ) -> None:
        self.user_attributes = user_attributes

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        folded = _folded(password)
        for attribute in self.user_attributes:
            value = str(getattr(user, attribute, "") or "")
            if attribute == "email":
                value = value.partition("@")[0]
            parts = [value, *re.split(r"[\W_]+", value)]
            for part in parts:
                part = _folded(part)
                if len(part) >= _SHORTEST_PART and part in folded:
                    raise ValidationError(
                        _("The password must not contain your name or username."),
                        code="password_contains_name",
                    )

    def get_help_text(self) -> str:
        return _("Your password must not contain your name or username.")
