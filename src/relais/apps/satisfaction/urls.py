from django.urls import path

from relais.apps.satisfaction import views

app_name = "satisfaction"

urlpatterns = [
    path("", views.league_page, name="league"),
    path("chat", views.chat_survey, name="chat_survey"),
    path("s/<str:token>", views.survey, name="survey"),
]
