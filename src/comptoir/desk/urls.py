from django.urls import path

from comptoir.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("phone/", views.phone_call, name="phone"),
    path("tickets/<int:number>/", views.ticket_page, name="ticket"),
    path("tickets/<int:number>/<str:action>/", views.ticket_action, name="action"),
]
