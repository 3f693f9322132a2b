from django.urls import path

from relais.apps.desktop.consumers import DesktopConsumer

websocket_urlpatterns = [path("ws/desktop/", DesktopConsumer.as_asgi())]
