"""Accessibility check of a page with axe-core (vendored in tests/e2e/vendor/axe-core)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: What the check refuses (axe's impact levels); "moderate" and "minor" are reported only.
BLOCKING = frozenset({"serious", "critical"})


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated by the browser's debugger, which the Content-Security-Policy does not
        # govern (a <script> tag added by the test is inline: refused, docs/security.md)
        page.evaluate(AXE.read_text("utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        })"""
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def axe_report(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node, for an assertion's message."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            lines.append(f"{violation['id']} ({violation['impact']}): {node['target']}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{axe_report(violations)}"
