"""The operations tests use the router's fixtures (tests/apps/routing/fixtures.py)."""

from tests.apps.routing.fixtures import in_memory_layer, routing

__all__ = ["in_memory_layer", "routing"]
