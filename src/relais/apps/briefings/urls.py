from django.urls import path

from relais.apps.briefings import views

app_name = "briefings"

urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("new", views.briefing_new, name="new"),
    path("desk/", views.desk, name="desk"),
    path("<int:briefing_id>/", views.briefing_detail, name="detail"),
    path("<int:briefing_id>/progress", views.briefing_progress, name="progress"),
    path("<int:briefing_id>/acknowledge", views.acknowledge, name="acknowledge"),
]
