from django.urls import path

from comptoir.kb import views

app_name = "kb"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/helpful/", views.helpful, name="helpful"),
    path("articles/<slug:slug>/solved/", views.solved, name="solved"),
    path("files/<int:pk>/<str:filename>", views.attachment, name="attachment"),
]
