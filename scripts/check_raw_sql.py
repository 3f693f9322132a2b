"""Refuse hand-written SQL outside an app's `queries.py` (run by `make lint`).

Hand-written statements are allowed where measurement justified them (docs/desktop.md,
"Under load"), and then only in the `queries.py` of their app, each tested against its ORM
equivalent; everywhere else in `src/relais/apps` and `src/relais/config` the ORM is used.
The check reads the source with `ast` and refuses: a call of `.execute(...)` or
`.executemany(...)` with a statement, `.cursor()`, `.raw(...)`, `.extra(...)`, the name
`RawSQL`, and a `# noqa: S608` comment. Migrations are not checked. See
docs/architecture.md.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = [ROOT / "src" / "relais" / "apps", ROOT / "src" / "relais" / "config"]

#: Files that may hold SQL besides the apps' `queries.py`, each with its reason.
ALLOWED = {
    "src/relais/apps/rows.py": "the generic builder the queries.py files use, over any model",
    "src/relais/apps/numbering.py": "the generic commit-order counter, over any model's last_seq",
    "src/relais/apps/realtime/leadership.py": (
        "the election of one router or voice service: a session advisory lock and LISTEN on "
        "its own psycopg connection, outside Django's"
    ),
    "src/relais/apps/realtime/listening.py": (
        "LISTEN on a psycopg connection of its own, outside Django's pool (a reader woken by "
        "NOTIFY)"
    ),
}

_CALLS = {"execute", "executemany", "raw", "extra", "cursor"}


def findings(path: Path, source: str) -> list[str]:
    """Where `source` (the text of `path`) holds hand-written SQL: `path:line: what`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            # .execute() without arguments is a Redis pipeline's, not a statement
            if name in _CALLS and (node.args or name in {"cursor", "raw", "extra"}):
                found.append((node.lineno, f".{name}(...)"))
        elif (isinstance(node, ast.Name) and node.id == "RawSQL") or (
            isinstance(node, ast.alias) and node.name.endswith("RawSQL")
        ):
            found.append((getattr(node, "lineno", 0), "RawSQL"))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and "S608" in token.string:
            found.append((token.start[0], "# noqa: S608"))
    return [f"{path}:{line}: {what}" for line, what in sorted(found)]


def checked_files() -> list[Path]:
    """The Python files the rule covers: not migrations, not queries.py, not the allowed."""
    files = []
    for top in CHECKED:
        for path in sorted(top.rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or path.name == "queries.py" or relative in ALLOWED:
                continue
            files.append(path)
    return files


def main() -> int:
    problems = [
        line
        for path in checked_files()
        for line in findings(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    ]
    for line in problems:
        print(f"{line}: hand-written SQL goes in the app's queries.py", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
