from django.urls import path

from comptoir.desk import digest_views, duty_views, held_views, mail_views, views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("phone/", views.phone_call, name="phone"),
    path("duty/", duty_views.duty, name="duty"),
    path("triage/", duty_views.triage, name="triage"),
    path("tickets/<int:number>/", views.ticket_page, name="ticket"),
    path("tickets/<int:number>/<str:action>/", views.ticket_action, name="action"),
    path(
        "tickets/<int:number>/messages/<int:message_id>/original/",
        mail_views.original_mail,
        name="original_mail",
    ),
    path("mail/quarantine/", mail_views.quarantine, name="quarantine"),
    path("mail/inbound/<int:pk>/", mail_views.inbound_detail, name="inbound"),
    path("mail/inbound/<int:pk>/<str:action>/", mail_views.inbound_action, name="inbound_action"),
    path("mail/outbox/", mail_views.outbox, name="outbox"),
    path("mail/outbox/<int:pk>/", mail_views.outbox_detail, name="outbox_message"),
    path("review/", digest_views.review, name="digest"),
    path("review/send/", digest_views.send_review, name="digest_send"),
    path("held/", held_views.held_list, name="held_list"),
    path("held/<int:pk>/", held_views.held_page, name="held"),
    path("held/<int:pk>/files/<int:file_pk>/", held_views.held_file, name="held_file"),
    path("held/<int:pk>/<str:action>/", held_views.held_action, name="held_action"),
]
