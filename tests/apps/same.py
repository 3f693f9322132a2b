"""Rows compared field by field (a model's `==` compares primary keys only): what the
tests of the apps' queries.py use to hold a hand-written statement to its ORM equivalent."""

from __future__ import annotations

from typing import Any

from django.db import models


def values(instance: models.Model | None, *related: str) -> dict[str, Any] | None:
    """Every concrete field of `instance`, and of each related object named in `related`
    (as loaded with it: read from the cache, no query)."""
    if instance is None:
        return None
    found: dict[str, Any] = {
        f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields
    }
    for name in related:
        found[name] = values(getattr(instance, name))
    return found
