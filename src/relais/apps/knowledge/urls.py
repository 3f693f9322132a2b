from django.urls import path

from relais.apps.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:article_id>/", views.article, name="article"),
    path("<int:article_id>/edit/", views.edit, name="edit"),
    path("<int:article_id>/compare/", views.compare, name="compare"),
    path("<int:article_id>/images/", views.image_upload, name="image_upload"),
    path("<int:article_id>/<str:action>/", views.step, name="step"),
    path("images/<int:image_id>", views.image, name="image"),
    path("panel/search", views.panel_search, name="panel_search"),
    path("panel/contacts/<int:contact_id>", views.panel_suggestions, name="panel_suggestions"),
    path("panel/articles/<int:article_id>", views.panel_article, name="panel_article"),
    path("panel/uses", views.panel_use, name="panel_use"),
]
