"""The router's fixtures (defined in tests/apps/routing/fixtures.py, shared with others)."""

from tests.apps.routing.fixtures import in_memory_layer, routing

__all__ = ["in_memory_layer", "routing"]
