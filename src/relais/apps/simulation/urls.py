from django.urls import path

from relais.apps.simulation import views

app_name = "simulation"

urlpatterns = [
    path("", views.index, name="index"),
    path("scenarios/live/", views.build_from_live, name="build"),
    path("scenarios/upload/", views.upload, name="upload"),
    path("scenarios/<int:scenario_id>/", views.scenario, name="scenario"),
    path("scenarios/<int:scenario_id>/what-if/", views.what_if, name="what_if"),
    path("scenarios/<int:scenario_id>/run/", views.run_scenario, name="run_scenario"),
    path("compare/", views.compare_runs, name="compare"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/report/", views.run_report, name="run_report"),
    path("scenarios/<int:scenario_id>/resplit/", views.resplit_create, name="resplit_create"),
    path("resplits/<int:proposal_id>/", views.resplit_detail, name="resplit"),
]
