"""Check (or, with --update, refresh) the French catalogue.

Fails when a string of the code is missing from the catalogue, when a French string is empty or
fuzzy, when a French string breaks French typography (a straight apostrophe, no narrow no-break
space before : ; ! ? or inside « »: relais.apps.l10n.formatting.typography, docs/i18n.md), or
when the compiled .mo is not the compilation of the .po. With --update, French typography is
also applied to the catalogue. Needs GNU gettext.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "relais"
CATALOGUES = [PACKAGE / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po" for domain in ("django",)]


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)


def regenerate() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "relais.config.settings"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "fr",
            "--no-obsolete",
            "--add-location=file",
            "--ignore=migrations/*",
            "--ignore=static/vendor/*",
        ],
        cwd=PACKAGE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


_MSGSTR = re.compile(r'^(msgstr(?:\[\d+\])?) (".*")$')
_CONTINUATION = re.compile(r'^(".*")$')


def _french_typography(text: str) -> str:
    from relais.apps.l10n.formatting import typography  # the rules the templates apply

    return typography(text, language="fr")


def _msgstr_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first line, line after the last, decoded text) of every msgstr of a .po."""
    blocks = []
    index = 0
    while index < len(lines):
        match = _MSGSTR.match(lines[index])
        if not match:
            index += 1
            continue
        end = index + 1
        parts = [match.group(2)]
        while end < len(lines) and _CONTINUATION.match(lines[end]):
            parts.append(lines[end])
            end += 1
        text = "".join(ast.literal_eval(part) for part in parts)
        if "Project-Id-Version:" not in text:  # the catalogue's header is not French text
            blocks.append((index, end, text))
        index = end
    return blocks


def _po_quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped.replace("\t", "\\t")}"'


def typography_problems(po: Path) -> list[str]:
    """French strings of the catalogue that French typography would change."""
    lines = po.read_text(encoding="utf-8").splitlines()
    return [
        f"{po.relative_to(ROOT)}:{first + 1}: French typography: {text!r}"
        for first, _end, text in _msgstr_blocks(lines)
        if text and _french_typography(text) != text
    ]


def apply_typography(po: Path) -> None:
    lines = po.read_text(encoding="utf-8").splitlines()
    for first, end, text in reversed(_msgstr_blocks(lines)):
        fixed = _french_typography(text)
        if text and fixed != text:
            keyword = _MSGSTR.match(lines[first]).group(1)  # type: ignore[union-attr]
            lines[first:end] = [f"{keyword} {_po_quoted(fixed)}"]
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")


def problems_of(po: Path) -> list[str]:
    found = typography_problems(po)
    stats = run("msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)).stderr.strip()
    if "untranslated" in stats or "fuzzy" in stats:
        found.append(f"{po.relative_to(ROOT)}: {stats}")
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp) / "compiled.mo"
        run("msgfmt", "-o", str(compiled), str(po))
        mo = po.with_suffix(".mo")
        if not mo.exists() or not filecmp.cmp(compiled, mo, shallow=False):
            found.append(f"{mo.relative_to(ROOT)} is not compiled from its .po: run make i18n")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="refresh the .po and compile the .mo")
    args = parser.parse_args()
    if shutil.which("msgfmt") is None:
        print("GNU gettext is needed (Debian: apt-get install gettext)", file=sys.stderr)
        return 2
    if args.update:
        regenerate()
        for po in CATALOGUES:
            apply_typography(po)
            run("msgfmt", "-o", str(po.with_suffix(".mo")), str(po))
        problems = [p for po in CATALOGUES for p in problems_of(po)]
        print("\n".join(problems) or "catalogue complete")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        saved = {po: Path(tmp) / f"{index}.po" for index, po in enumerate(CATALOGUES)}
        for po, copy in saved.items():
            shutil.copy2(po, copy)
        try:
            regenerate()
            problems = []
            for po, committed in saved.items():
                missing = subprocess.run(
                    ["msgcmp", "--use-untranslated", str(committed), str(po)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if missing.returncode != 0:
                    problems.append(f"strings missing from {po.relative_to(ROOT)} (run make i18n):")
                    problems.append(missing.stderr.strip())
        finally:
            for po, copy in saved.items():
                shutil.copy2(copy, po)
    problems += [p for po in CATALOGUES for p in problems_of(po)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("French catalogue complete and compiled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
