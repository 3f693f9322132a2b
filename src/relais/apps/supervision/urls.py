from django.urls import path

from relais.apps.supervision import coaching_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.wallboard, name="wallboard"),
    path("overflow-steps/<int:step_id>/", views.overflow, name="overflow"),
    path("queues/<int:queue_id>/priority/", views.priority, name="priority"),
    path("broadcasts/", views.broadcast, name="broadcast"),
    path("agents/<int:agent_id>/state/", views.agent_state, name="agent_state"),
    path("agents/<int:agent_id>/coaching/", coaching_views.agent_coaching, name="coaching"),
]
