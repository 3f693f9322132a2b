"""No built-in secret key: `relais serve` refuses to start without one, unless in debug; the
demo generates one for its machine, once (issue 15, finding 6). Nor does it serve a database
that lacks migrations."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from relais.cli import SERVE_WITHOUT_KEY, demo_secret_key_ensure

SHOW_KEY = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SECRET_KEY_SOURCE, settings.SECRET_KEY)"
)


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"RELAIS_SECRET_KEY", "RELAIS_DEBUG", "DATABASE_URL"}
    }
    return {
        **clean,
        "RELAIS_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "relais.config.settings",
        **extra,
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_serve_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run(["-m", "relais.cli", "serve", "--port", "9"], environment(tmp_path))

    assert result.returncode == 2
    assert SERVE_WITHOUT_KEY in result.stderr
    assert "Relais: http://" not in result.stdout


def test_without_a_key_each_process_has_its_own_random_one(tmp_path: Path) -> None:
    first = run(["-c", SHOW_KEY], environment(tmp_path)).stdout.split()
    second = run(["-c", SHOW_KEY], environment(tmp_path)).stdout.split()

    assert first[0] == second[0] == "ephemeral"
    assert first[1] != second[1]
    assert len(first[1]) >= 50


def test_the_environments_key_is_used(tmp_path: Path) -> None:
    env = environment(tmp_path, RELAIS_SECRET_KEY="k" * 60)

    shown = run(["-c", SHOW_KEY], env).stdout.split()

    assert shown == ["environment", "k" * 60]


def test_the_demo_writes_a_private_key_once_and_it_is_used(tmp_path: Path) -> None:
    path = demo_secret_key_ensure(tmp_path)
    key = path.read_text()
    demo_secret_key_ensure(tmp_path)

    shown = run(["-c", SHOW_KEY], environment(tmp_path)).stdout.split()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == key
    assert shown == ["file", key]


def test_serve_refuses_a_database_that_lacks_migrations(tmp_path: Path) -> None:
    # a new machine's empty SQLite file, a key set: nothing migrated yet
    env = environment(tmp_path, RELAIS_SECRET_KEY="k" * 60)
    result = run(["-m", "relais.cli", "serve", "--port", "9"], env)

    assert result.returncode == 2
    assert "relais serve: the database lacks" in result.stderr
    assert "relais migrate" in result.stderr
    assert "Relais: http://" not in result.stdout

    # once migrated, the check finds nothing missing
    assert run(["-m", "relais.cli", "migrate", "--no-input"], env).returncode == 0
    counted = run(
        [
            "-c",
            "import django; django.setup(); from relais.cli import unapplied_migrations; "
            "print(unapplied_migrations())",
        ],
        env,
    )
    assert counted.stdout.split() == ["0"], counted.stderr
