"""Reads of the live figures, through the viewer's scope (docs/supervision.md, "Scope")."""

from __future__ import annotations

from typing import Any

from relais.apps.organisation.scoping import scope_for
from relais.apps.supervision.access import require_supervision
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import snapshot
from relais.apps.supervision.live.frames import LiveFigures


def live_figures(*, viewer: Any) -> LiveFigures:
    """The figures of the viewer's scope now, from a board rebuilt from the record."""
    require_supervision(viewer)
    board = LiveBoard()
    board.rebuild()
    return snapshot(board, scope_for(viewer), board.clock())
