"""Every app's error messages exist in French, differ from the English, and follow French
typography (what the API and the pages show on a refusal)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django.utils import translation

import relais.apps
from relais.apps.errors import ErrorCodeBase
from relais.apps.l10n.formatting import typography


def _error_codes() -> list[ErrorCodeBase]:
    codes: list[ErrorCodeBase] = []
    for app in pkgutil.iter_modules(relais.apps.__path__):
        try:
            module = importlib.import_module(f"relais.apps.{app.name}.errors")
        except ModuleNotFoundError:
            continue
        codes.extend(module.ErrorCode)
    return codes


@pytest.mark.parametrize("code", _error_codes(), ids=lambda code: f"{code.__module__}:{code}")
def test_each_error_message_is_french(code: ErrorCodeBase) -> None:
    with translation.override("en"):
        english = str(code.template)
    with translation.override("fr"):
        french = str(code.template)

    if re.fullmatch(r"%\(\w+\)s", english):  # the words come translated in the parameter
        return
    assert french != english
    assert french != code.value
    assert typography(french, language="fr") == french


def test_every_app_with_errors_is_covered() -> None:
    apps = {code.__class__.__module__.split(".")[2] for code in _error_codes()}
    assert {"accounts", "organisation", "interactions", "wfm", "supervision"} <= apps
    with_errors = {path.parent.name for path in Path(relais.apps.__path__[0]).glob("*/errors.py")}
    assert apps == with_errors  # each app's errors.py defines its ErrorCode
