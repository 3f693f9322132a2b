from tests.apps.capture import recording_layer
from tests.apps.chat.fixtures import chat_world

__all__ = ["chat_world", "recording_layer"]
