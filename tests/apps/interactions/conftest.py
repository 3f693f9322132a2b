"""The router's fixtures (defined in fixtures.py, shared with the interactions tests)."""

from tests.apps.routing.fixtures import in_memory_layer, routing

__all__ = ["in_memory_layer", "routing"]
