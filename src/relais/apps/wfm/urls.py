from django.urls import path

from relais.apps.wfm import request_views, views

app_name = "wfm"

urlpatterns = [
    path("", views.planning, name="planning"),
    path("forecasts/", views.forecast_create, name="forecast_create"),
    path("forecasts/<int:run_id>/", views.forecast_detail, name="forecast"),
    path("forecasts/<int:run_id>/staffing/", views.staffing_create, name="staffing_create"),
    path("staffing/<int:plan_id>/", views.staffing_detail, name="staffing"),
    path("schedules/", views.schedule_create, name="schedule_create"),
    path("solves/<int:solve_id>/", views.solve_detail, name="solve"),
    path("solves/<int:solve_id>/status/", views.solve_status, name="solve_status"),
    path("schedules/<int:schedule_id>/", views.schedule_detail, name="schedule"),
    path("schedules/<int:schedule_id>/adherence/", views.adherence, name="adherence"),
    path("my-schedule/", views.my_schedule, name="my_schedule"),
    path(
        "staffing/<int:plan_id>/publish/", request_views.staffing_publish, name="staffing_publish"
    ),
    path("requests/", request_views.requests_index, name="requests"),
    path("requests/<int:request_id>/", request_views.request_detail, name="request"),
    path("requests/<int:request_id>/commit/", request_views.request_commit, name="request_commit"),
    path(
        "requests/<int:request_id>/versions/<int:number>/",
        request_views.version_detail,
        name="request_version",
    ),
]
