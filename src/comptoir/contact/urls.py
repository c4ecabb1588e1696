from django.urls import path

from comptoir.contact import views

app_name = "contact"
urlpatterns = [
    path("", views.contact, name="form"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
