"""What the planning commands share: finding sites and turning refusals into clear errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from django.core.management.base import CommandError

from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Site


def site_named(name: str) -> Site:
    """A site by name or id (the command line plans every site)."""
    found = Site.objects.filter(name=name).first()
    if found is None and name.isdigit():
        found = Site.objects.filter(pk=int(name)).first()
    if found is None:
        known = ", ".join(Site.objects.values_list("name", flat=True))
        raise CommandError(f"unknown site {name!r} (known: {known})")
    return found


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as bad:
        raise CommandError(f"{text!r} is not a date such as 2025-03-03") from bad


@contextmanager
def refusals() -> Iterator[None]:
    try:
        yield
    except RelaisError as refused:
        raise CommandError(f"{refused.code.value}: {refused.message}") from refused


Writer = Callable[[str], None]
