from tests.apps.chat.fixtures import chat_world

__all__ = ["chat_world"]
