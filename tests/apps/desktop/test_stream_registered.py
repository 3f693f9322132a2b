"""The desk stream's models are defined in `relais.apps.deskstream` but belong to the
desktop app: same label, same tables, same migrations (docs/desktop.md)."""

from __future__ import annotations

from django.apps import apps

from relais.apps.deskstream.models import DeskCursor, DeskEvent


def test_the_desk_streams_models_belong_to_the_desktop_app() -> None:
    # given the desktop app as Django loaded it
    desktop = apps.get_app_config("desktop")
    # when its models are listed
    models = set(desktop.get_models())
    # then the stream's are among them, on their original tables
    assert {DeskCursor, DeskEvent} <= models
    assert (DeskCursor._meta.db_table, DeskEvent._meta.db_table) == (
        "desktop_deskcursor",
        "desktop_deskevent",
    )
