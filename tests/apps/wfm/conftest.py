"""Fixtures of the planning tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def immediate_jobs(settings: Any) -> None:
    """Background jobs run at once when enqueued (Django's immediate tasks backend)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
