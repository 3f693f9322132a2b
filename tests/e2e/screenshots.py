"""Full-page screenshots of the main pages (docs/interface.md, "Screenshots"): one folder,
`var/screenshots/` (RELAIS_SCREENSHOTS_DIR overrides it), files named
`<role>-<page>-<language>-<width>.png`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: Name -> (width, height) of the viewports every main page is shot at.
#: "desktop" is the narrowest laptop screen the shell must fit without scrolling sideways.
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}


def screenshots_dir() -> Path:
    folder = Path(os.environ.get("RELAIS_SCREENSHOTS_DIR") or ROOT / "var" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(page: Any, *, role: str, name: str, language: str, viewport: str) -> Path:
    """Save a full-page screenshot of `page` as it is now; returns the file."""
    path = screenshots_dir() / f"{role}-{name}-{language}-{viewport}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
