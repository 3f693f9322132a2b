"""Hand-written SQL only in the apps' `queries.py` (scripts/check_raw_sql.py, `make lint`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _check() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_raw_sql", ROOT / "scripts" / "check_raw_sql.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_hand_written_sql_outside_queries_modules() -> None:
    # given the check and the source it covers
    check = _check()
    # when every covered file is read
    found = [
        line
        for path in check.checked_files()
        for line in check.findings(path, path.read_text(encoding="utf-8"))
    ]
    # then none holds SQL
    assert found == []


def test_the_check_refuses_a_cursor_a_statement_raw_sql_and_the_noqa() -> None:
    # given a module that runs a statement of its own
    source = (
        "from django.db import connection\n"
        "from django.db.models.expressions import RawSQL\n"
        "def read():\n"
        "    with connection.cursor() as cursor:\n"
        "        cursor.execute(f'SELECT 1 FROM {T}')  # noqa: S608\n"
        "    return Contact.objects.raw('SELECT 1')\n"
    )
    # when it is checked
    found = _check().findings(Path("selectors.py"), source)
    # then each piece is refused, with its line
    assert found == [
        "selectors.py:2: RawSQL",
        "selectors.py:4: .cursor(...)",
        "selectors.py:5: # noqa: S608",
        "selectors.py:5: .execute(...)",
        "selectors.py:6: .raw(...)",
    ]


def test_the_check_lets_a_redis_pipeline_execute() -> None:
    # given a Redis pipeline run without a statement
    source = "async def push(pipe):\n    await pipe.execute()\n"
    # when it is checked
    found = _check().findings(Path("push.py"), source)
    # then it is not SQL
    assert found == []


def test_the_check_skips_queries_modules_and_migrations_and_lists_existing_exceptions() -> None:
    # given the check
    check = _check()
    # when the covered files are listed
    covered = {path.relative_to(ROOT).as_posix() for path in check.checked_files()}
    # then the queries modules, the migrations and the allowed files are out, and every
    # allowed file still exists (an exception does not outlive its file)
    assert "src/relais/apps/chat/selectors.py" in covered
    assert not any(p.endswith("/queries.py") or "/migrations/" in p for p in covered)
    assert not set(check.ALLOWED) & covered
    assert all((ROOT / p).is_file() for p in check.ALLOWED)
