from django.urls import path

from relais.apps.knowledge import helpcentre

app_name = "help"

urlpatterns = [
    path("", helpcentre.index, name="index"),
    path("selfservice/suggest", helpcentre.suggest, name="suggest"),
    path("selfservice/resolved", helpcentre.resolved, name="resolved"),
    path("selfservice/escalated", helpcentre.escalated, name="escalated"),
    path("<slug:slug>/", helpcentre.article, name="article"),
    path("<slug:slug>/feedback", helpcentre.feedback, name="feedback"),
]
