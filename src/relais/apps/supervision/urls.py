from django.urls import path

from relais.apps.supervision import views
from relais.apps.supervision.actions import views as actions
from relais.apps.supervision.coaching import views as coaching
from relais.apps.supervision.split import views as split

app_name = "supervision"

urlpatterns = [
    path("", views.wallboard, name="wallboard"),
    path("volume-split/", split.volume_split, name="volume_split"),
    path("alerts/acknowledge/", views.alert_ack, name="alert_ack"),
    path("overflow-steps/<int:step_id>/", actions.overflow, name="overflow"),
    path("queues/<int:queue_id>/priority/", actions.priority, name="priority"),
    path("broadcasts/", actions.broadcast, name="broadcast"),
    path("agents/<int:agent_id>/state/", actions.agent_state, name="agent_state"),
    path("agents/<int:agent_id>/coaching/", coaching.agent_coaching, name="coaching"),
]
