"""Following the shell's navigation as a person does: the link by its label, its menu opened
first when it sits in one (docs/interface.md, "The shell")."""

from __future__ import annotations

from typing import Any


def go_to(page: Any, label: str) -> None:
    """Click the navigation's entry `label` (a plain link, or an entry of a closed menu)."""
    link = page.locator("header nav").get_by_text(label, exact=True).first
    if not link.is_visible():
        menu = page.locator("header nav li.dropdown").filter(
            has=page.get_by_text(label, exact=True)  # matched inside each menu
        )
        menu.locator("button.dropdown-toggle").click()
    link.click()
