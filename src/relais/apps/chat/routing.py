from django.urls import path

from relais.apps.chat.consumers import CustomerChatConsumer

websocket_urlpatterns = [path("ws/chat/", CustomerChatConsumer.as_asgi())]
