"""A notice the widget shows above everything else (a crisis message, apps/crisis). Apps
above this one answer the `widget_notice_wanted` signal with a string in `language`."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with `language`; each receiver answers a notice ("" for none).
widget_notice_wanted = Signal()


def widget_notice(*, language: str) -> str:
    answers = widget_notice_wanted.send(sender=None, language=language)
    return next((str(answer) for _receiver, answer in answers if answer), "")
