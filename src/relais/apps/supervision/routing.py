from django.urls import path

from relais.apps.supervision.coaching.consumer import CoachingConsumer
from relais.apps.supervision.live.consumer import SupervisionConsumer

websocket_urlpatterns = [
    path("ws/supervision/", SupervisionConsumer.as_asgi()),
    path("ws/supervision/coaching/", CoachingConsumer.as_asgi()),
]
