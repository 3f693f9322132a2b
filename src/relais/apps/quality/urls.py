from django.urls import path

from relais.apps.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("forms/", views.forms, name="forms"),
    path("forms/new/", views.form_edit, name="form_new"),
    path("forms/<int:form_id>/edit/", views.form_edit, name="form_edit"),
    path("contacts/<int:contact_id>/evaluate/", views.evaluate, name="evaluate"),
    path("evaluations/<int:evaluation_id>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:evaluation_id>/dispute/", views.dispute_open, name="dispute_open"),
    path(
        "evaluations/<int:evaluation_id>/dispute/confirm/",
        views.dispute_confirm,
        name="dispute_confirm",
    ),
    path("evaluations/<int:evaluation_id>/rescore/", views.rescore, name="rescore"),
    path(
        "evaluations/<int:evaluation_id>/coaching/", views.coaching_create, name="coaching_create"
    ),
    path("coaching/<int:coaching_id>/", views.coaching, name="coaching"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_id>/draw/", views.plan_draw, name="plan_draw"),
    path("samples/<int:draw_id>/", views.draw, name="draw"),
    path("calibration/", views.calibrations, name="calibrations"),
    path("calibration/<int:session_id>/", views.calibration, name="calibration"),
    path(
        "calibration/<int:session_id>/contacts/<int:contact_id>/",
        views.calibration_score,
        name="calibration_score",
    ),
]
