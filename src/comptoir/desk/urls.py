from django.urls import path

from comptoir.desk import mail_views, views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("phone/", views.phone_call, name="phone"),
    path("tickets/<int:number>/", views.ticket_page, name="ticket"),
    path("tickets/<int:number>/<str:action>/", views.ticket_action, name="action"),
    path("mail/quarantine/", mail_views.quarantine, name="quarantine"),
    path("mail/inbound/<int:pk>/", mail_views.inbound_detail, name="inbound"),
    path("mail/inbound/<int:pk>/<str:action>/", mail_views.inbound_action, name="inbound_action"),
    path("mail/outbox/", mail_views.outbox, name="outbox"),
    path("mail/outbox/<int:pk>/", mail_views.outbox_detail, name="outbox_message"),
]
