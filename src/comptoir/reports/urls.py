from django.urls import path

from comptoir.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("refresh/", views.refresh, name="refresh"),
    path("tickets/", views.tickets_page, name="tickets"),
    path("organisation/", views.organisation_page, name="organisation"),
    path("organisation/tickets/", views.organisation_tickets, name="organisation_tickets"),
    path(
        "organisation/<str:measure>/export.<str:fmt>",
        views.organisation_export,
        name="organisation_export",
    ),
    path("<str:measure>/", views.table_page, name="table"),
    path("<str:measure>/export.<str:fmt>", views.export, name="export"),
]
