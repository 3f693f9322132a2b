from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _mail_dir(settings: Any, tmp_path: Path) -> None:
    settings.MAIL_DIR = tmp_path / "mail"
