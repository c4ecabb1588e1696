from django.urls import path

from comptoir.outages import views

app_name = "status"
urlpatterns = [
    path("", views.status_page, name="page"),
    path("outages/<int:pk>/", views.outage_page, name="outage"),
    path("status.json", views.status_json, name="json"),
    path("feed.atom", views.feed, name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
