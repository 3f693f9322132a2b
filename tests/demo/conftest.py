"""The demo's tests: their own audit key and anchor file, as the apps' tests."""

from tests.apps.conftest import _audit_files as _audit_files  # an autouse fixture
