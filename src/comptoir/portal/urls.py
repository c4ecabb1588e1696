from django.urls import path

from comptoir.portal import files, views

app_name = "portal"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.new_ticket, name="new"),
    path("tickets/<int:number>/", views.ticket_page, name="ticket"),
    path("tickets/<int:number>/reply/", views.reply, name="reply"),
    path("tickets/<int:number>/status/", views.set_status, name="status"),
    path("files/<int:pk>/<str:filename>", files.attachment, name="attachment"),
]
