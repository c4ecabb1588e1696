from django.urls import path

from comptoir.widget import views

app_name = "widget"
urlpatterns = [
    path("<slug:key>.js", views.loader, name="loader"),
    path("<slug:key>/panel/", views.panel, name="panel"),
    path("<slug:key>/start/", views.start, name="start"),
    path("<slug:key>/search/", views.search, name="search"),
    path("<slug:key>/tickets/", views.tickets, name="tickets"),
    path("<slug:key>/details/", views.details, name="details"),
]
