from django.urls import path

from relais.apps.organisation import views

app_name = "organisation"

urlpatterns = [
    path("sites/", views.sites, name="sites"),
    path("teams/", views.teams, name="teams"),
    path("agents/", views.agents, name="agents"),
    path("agents/<int:agent_id>/", views.agent_detail, name="agent"),
    path("partners/", views.partners, name="partners"),
]
