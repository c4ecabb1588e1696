from django.urls import path

from comptoir.api import token_views
from comptoir.portal import account_views, app_views, files, follow_views, survey_views, views
from comptoir.push import views as push_views

app_name = "portal"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.new_ticket, name="new"),
    path("new/details/", views.new_ticket_details, name="new_details"),
    path("tickets/<int:number>/", views.ticket_page, name="ticket"),
    path("tickets/<int:number>/reply/", views.reply, name="reply"),
    path("tickets/<int:number>/status/", views.set_status, name="status"),
    path("files/<int:pk>/<str:filename>", files.attachment, name="attachment"),
    path("tickets/<int:number>/survey/", survey_views.answer_on_ticket, name="survey_answer"),
    path("survey/<str:token>/", survey_views.survey, name="survey"),
    path("follow/<str:token>/", follow_views.follow, name="follow"),
    path("follow/<str:token>/new/", follow_views.fresh_link, name="follow_fresh"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("accounts/", account_views.account_list, name="accounts"),
    path("accounts/new/", account_views.account_new, name="account_new"),
    path("accounts/login/", account_views.login_preview, name="account_login"),
    path("accounts/<int:pk>/<str:action>/", account_views.account_action, name="account_action"),
    path("welcome/<uidb64>/<token>/", account_views.SetPasswordView.as_view(), name="set_password"),
    path("manifest.webmanifest", app_views.manifest, name="manifest"),
    path("sw.js", app_views.service_worker, name="service_worker"),
    path("offline/", app_views.offline, name="offline"),
    path("push/subscribe/", push_views.subscribe, name="push_subscribe"),
    path("push/unsubscribe/", push_views.unsubscribe, name="push_unsubscribe"),
]
