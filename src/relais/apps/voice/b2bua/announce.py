"""What a queued caller is told every so often: their place in the line and the estimated wait.

The figures are the chat widget's (`interactions.waiting`, read by `control.call_wait` on the
worker's thread); the prompts are the stack's, in the number's language (docs/voice.md,
"Stack"). Past the generated range (20th place, 20 minutes) the caller is not given a wrong
figure: they hear "all our advisers are busy" instead; the same when nobody who could answer
is logged in (no wait can be estimated).
"""

from __future__ import annotations

import math
from typing import Any

from relais.apps.voice.stack.prompts import POSITIONS, WAIT_MINUTES, position_name, wait_name

#: Seconds between two announcements while queued (RELAIS_VOICE_ANNOUNCE_S; 0: none).
DEFAULT_ANNOUNCE_S = 30.0
BUSY = "busy"


def announcement(estimate: Any) -> list[str]:
    """The prompts' names for a `WaitEstimate` (None: not waiting any more, nothing)."""
    if estimate is None:
        return []
    names = []
    if estimate.position in POSITIONS:
        names.append(position_name(estimate.position))
    minutes = None if estimate.seconds is None else max(1, math.ceil(estimate.seconds / 60))
    if minutes is not None and minutes in WAIT_MINUTES:
        names.append(wait_name(minutes))
    else:
        names.append(BUSY)
    return names
