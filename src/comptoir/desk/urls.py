from django.urls import path

from comptoir.api import token_views
from comptoir.desk import (
    calendar_views,
    campaign_views,
    digest_views,
    duty_views,
    held_views,
    mail_views,
    outage_views,
    security_views,
    views,
)
from comptoir.webhooks import views as webhook_views

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
    path("tokens/", token_views.token_list, name="tokens"),
    path("settings/security/", security_views.security_settings, name="security"),
    path("settings/calendars/", calendar_views.calendar_list, name="calendars"),
    path("settings/calendars/new/", calendar_views.calendar_edit, name="calendar_new"),
    path("settings/calendars/<int:pk>/", calendar_views.calendar_edit, name="calendar_edit"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("webhooks/", webhook_views.deliveries, name="webhook_deliveries"),
    path("held/", held_views.held_list, name="held_list"),
    path("held/<int:pk>/", held_views.held_page, name="held"),
    path("held/<int:pk>/files/<int:file_pk>/", held_views.held_file, name="held_file"),
    path("held/<int:pk>/<str:action>/", held_views.held_action, name="held_action"),
    path("outages/", outage_views.outage_list, name="outages"),
    path("outages/new/", outage_views.declare, name="outage_declare"),
    path("outages/<int:pk>/", outage_views.outage_page, name="outage"),
    path("outages/<int:pk>/<str:action>/", outage_views.outage_action, name="outage_action"),
    path("outages/tickets/<int:number>/link/", outage_views.link_ticket, name="outage_link_ticket"),
    path(
        "outages/tickets/<int:number>/unlink/<int:pk>/",
        outage_views.unlink_ticket,
        name="outage_unlink_ticket",
    ),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_views.campaign_page, name="campaign"),
    path("campaigns/<int:pk>/progress/", campaign_views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/<str:action>/", campaign_views.campaign_action, name="campaign_action"),
    path(
        "campaigns/outages/<int:outage_pk>/end-notice/", campaign_views.end_notice, name="campaign_end_notice"
    ),
    path("campaigns/lists/", campaign_views.lists, name="contact_lists"),
    path("campaigns/lists/<int:pk>/", campaign_views.list_page, name="contact_list"),
    path("campaigns/imports/<int:pk>/", campaign_views.import_page, name="contact_import"),
    path("campaigns/templates/", campaign_views.templates, name="campaign_templates"),
    path("campaigns/templates/new/", campaign_views.template_page, name="campaign_template_new"),
    path("campaigns/templates/<int:pk>/", campaign_views.template_page, name="campaign_template"),
]
