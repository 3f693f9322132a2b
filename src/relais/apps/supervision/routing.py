from django.urls import path

from relais.apps.supervision.consumers import SupervisionConsumer

websocket_urlpatterns = [path("ws/supervision/", SupervisionConsumer.as_asgi())]
